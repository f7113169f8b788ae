# Texts the bot sends to clients (their language: core/botTexts `clientLocale`).
# English. Keep in step with ru.ftl: the same keys, the same variables.

# The first answer to a new client.
greeting = Hello! We have received your message — a manager will reply here, in this chat.

# A manager edited a message the client already has and Telegram cannot edit its copy: the new text follows.
edited-note = ✏️ Message edited:

# A message sent again after the connection to Telegram broke: it may have arrived above already.
repeat-mark = 🔁 Repeat: the connection to Telegram was interrupted, this message may have arrived above already.
