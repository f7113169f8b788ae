# Texts the bot sends to clients (their language: core/botTexts `clientLocale`).
# Russian. Keep in step with en.ftl: the same keys, the same variables.

# The first answer to a new client.
greeting = Здравствуйте! Мы получили ваше сообщение — менеджер ответит здесь, в этом чате.

# A manager edited a message the client already has and Telegram cannot edit its copy: the new text follows.
edited-note = ✏️ Сообщение изменено:

# A message sent again after the connection to Telegram broke: it may have arrived above already.
repeat-mark = 🔁 Повтор: связь с Telegram прерывалась, это сообщение могло уже прийти выше.
