# Texts the bot sends to clients (their language: core/botTexts `clientLocale`).
# Russian. Keep in step with en.ftl: the same keys, the same variables.

# The first answer to a new client.
greeting = Здравствуйте! Мы получили ваше сообщение — менеджер ответит здесь, в этом чате.

# A manager edited a message the client already has and Telegram cannot edit its copy: the new text follows.
edited-note = ✏️ Сообщение изменено:

# A message sent again after the connection to Telegram broke: it may have arrived above already.
repeat-mark = 🔁 Повтор: связь с Telegram прерывалась, это сообщение могло уже прийти выше.

## Managers' texts (the managers' group reads Russian).

# /help and /start in the managers' group. Telegram HTML.
manager-help =
    <b>Команды менеджера</b> (пишите их в теме клиента):
    /new — ссылка на форму заявки для этого клиента
    /rate 12.25, /amount 100000, /fee 1.5, /fixed 500, /days 3, /purpose …, /deadline 01.12.2026, /beneficiary …, /undo — изменить условия принятой заявки
    /skip — ответом на сообщение: не переносить его в заявку на платформе
    /unskip — ответом на сообщение: снова переносить его в заявку
    /ban причина — в чёрный список: сообщения клиента сохраняются, но не пересылаются; /unban — вернуть
    /label vip опт — поставить клиенту метки, /unlabel vip — снять, /label — метки клиента
    /take — взять диалог, /assign @username — передать коллеге, /release — снять ответственного
    /shift on, /shift off — смена: новые диалоги раздаются по очереди тем, кто на смене
    /t имя — отправить клиенту быстрый ответ (можно начало имени); /t — список
    /find договор — найти клиента, сообщение или заявку (в теме или в General)
    /hold — отложить диалог до нового сообщения клиента, /unhold — вернуть; /close — закрыть диалог и тему (клиент напишет — откроется)
    /help — этот список

    Сообщение, начинающееся с <code>!</code>, — внутренняя заметка: клиент её не увидит, на ней останется ✍.
    Пропущенное командой /skip сообщение помечено 🙈.
    Всё остальное, что вы пишете в теме, бот отправит клиенту от своего имени.

# A command typed in a group that is not a managers' group.
manager-not-managers-group = Команды Hotline работают только в группе менеджеров.
# Under a message or command in the managers' group sent on behalf of a chat (an anonymous admin, a channel): nobody to act as (telegram/senders.ts).
manager-not-a-person = Не принято: вы пишете анонимно или от имени канала. Администратор — отключите «Анонимность» в своих правах, участник — выберите себя в «Отправить как», и повторите от своего имени.

# A command nobody knows; { $typed } is HTML-escaped by the caller.
manager-unknown-command = Неизвестная команда «<code>{ $typed }</code>». Список команд: /help
manager-unknown-command-suggestion = Неизвестная команда «<code>{ $typed }</code>». Возможно, вы имели в виду <code>{ $form }</code> — команда и значение через пробел. Список команд: /help
manager-unknown-command-suggestion-bare = Неизвестная команда «<code>{ $typed }</code>». Возможно, вы имели в виду <code>{ $form }</code> — эта команда пишется без значения. Список команд: /help

manager-new-outside-topic = Команда /new работает в теме клиента: откройте тему и напишите /new там.
manager-muted-no-deal = Администраторы группы запретили вам писать в ней — кнопки и команды сделок вам недоступны.
manager-topic-only = Эта команда работает в теме клиента.
# A command that takes no value, typed with words after it (/take now): nothing is done. { $typed } is HTML-escaped by the caller.
manager-command-takes-no-value = Команда <code>{ $form }</code> пишется без значения — «<code>{ $typed }</code>» не понято, ничего не сделано. Напишите просто <code>{ $form }</code>.

# One of our managers wrote to the bot privately: no client dialog is opened for them (relay.ts).
manager-private-chat = Вы менеджер Hotline, поэтому этот чат не становится диалогом с клиентом и тема для вас не создаётся. Клиентам отвечайте в их темах группы менеджеров (команды — /help там); заявки, диалоги и оценки — на платформе: { $url }
# A member of a managers' group with no platform account linked yet wrote to the bot privately (relay.ts): any message or command in the group links it (ensureManagerUser).
member-private-chat = Вы в группе менеджеров Hotline, но ваш Telegram ещё не связан с учётной записью на платформе, поэтому этот чат не становится диалогом с клиентом и тема для вас не создаётся. Чтобы связать учётную запись, отправьте /help в группе менеджеров; личный чат с ботом — для менеджеров со связанной учётной записью.
# Staff (linked, or a member of the group) who wrote as a client before and have a dialog and a topic: their private messages are not relayed into it (relay.ts, staffPrivateChat.ts).
manager-private-chat-client = Вы менеджер Hotline: ваш Telegram связан с учётной записью на платформе, поэтому то, что вы пишете здесь, не передаётся в вашу тему клиента. Чтобы писать как клиент, напишите с другого аккаунта Telegram. Заявки, диалоги и оценки — на платформе: { $url }
member-private-chat-client = Вы в группе менеджеров Hotline: пока вы в ней, то, что вы пишете здесь, не передаётся в вашу тему клиента. Чтобы писать как клиент, выйдите из группы или напишите с другого аккаунта Telegram.
manager-skip-how = Ответьте командой /skip на сообщение, которое не нужно переносить в заявку.
manager-unskip-how = Ответьте командой /unskip на сообщение, которое нужно снова переносить в заявку.
manager-skip-not-dialog = Это сообщение не из переписки с клиентом. Ответьте командой /skip на сообщение клиента или менеджера.
manager-unskip-not-dialog = Это сообщение не из переписки с клиентом. Ответьте командой /unskip на сообщение клиента или менеджера.

# /ban and /unban in a client's topic (the blocklist). { $who } and { $reason } are HTML-escaped by the caller.
client-banned-notice = ⛔️ Клиент в чёрном списке ({ $who }): { $reason }
    Его сообщения сохраняются на платформе, но сюда не пересылаются, и бот ничего ему не отправляет. Вернуть: /unban
client-unbanned-notice = ✅ Клиент убран из чёрного списка ({ $who }). { $count ->
    [0] За это время он ничего не писал.
    [one] За это время он написал { $count } сообщение — оно на платформе.
    [few] За это время он написал { $count } сообщения — они на платформе.
   *[other] За это время он написал { $count } сообщений — они на платформе.
}
manager-ban-how = Напишите причину через пробел: <code>/ban спам</code>. Клиент попадёт в чёрный список: его сообщения сохранятся, но не будут пересылаться, и бот ничего ему не отправит.
manager-ban-already = Клиент уже в чёрном списке: { $reason }. Вернуть: /unban
manager-unban-not-banned = Клиента нет в чёрном списке.

# /label, /unlabel in a client's topic (labels on clients). { $labels } is a comma-separated list (labels are plain: letters, digits, _ and -).
manager-label-how = Метки пишите через пробел: <code>/label vip опт</code> — поставить, <code>/unlabel vip</code> — снять, <code>/label</code> — показать метки клиента. Метка — до 32 букв, цифр, _ или -, без пробелов.
manager-unlabel-how = Напишите, какие метки снять: <code>/unlabel vip</code>. Метки клиента: { $labels }
manager-labels-list = 🏷 Метки клиента: { $labels }
manager-labels-none = У клиента нет меток. Поставить: <code>/label vip</code>
manager-labels-changed = 🏷 { $added ->
    [none] {""}
   *[other] Поставлено: { $added }.{" "}
}{ $removed ->
    [none] {""}
   *[other] Снято: { $removed }.{" "}
}Метки клиента: { $labels }
manager-labels-unchanged = Ничего не изменилось. Метки клиента: { $labels }
manager-labels-empty = нет
# The client card's line with the client's labels.
card-labels = 🏷 Метки: { $labels }
# A manager's message in the topic of a banned client.
manager-message-to-banned = Клиент в чёрном списке. Вернуть: /unban

# /find in the managers' group. Telegram HTML; { $query }, { $reason } and { $url } are HTML-escaped by the caller.
manager-find-how = Напишите, что найти, после команды: <code>/find договор</code>, <code>/find Иванов</code>, номер заявки или ИНН.
manager-find-refused = Не получилось искать: { $reason }
manager-find-none = По запросу «{ $query }» ничего не нашлось.
manager-find-header = 🔎 Найдено по запросу «{ $query }»:
manager-find-topic = тема
manager-find-request = Заявка { $number }
manager-find-all = <a href="{ $url }">Все результаты на платформе</a>{ $more ->
    [0] {""}
   *[other] {" "}(ещё { $more })
}

# The bot's rights in the managers' group changed (src/telegram/managersGroupHealth.ts): one notice when a problem begins, one when it ends.
managers-group-cannot-read-messages-began = ⚠️ Бот больше не видит ваших сообщений в этой группе: он здесь обычный участник, а в режиме приватности Telegram передаёт такому боту только команды, упоминания и ответы на его сообщения. Ответы в темах клиентов до клиентов не дойдут. Сделайте бота администратором группы — или отключите режим приватности в @BotFather (/setprivacy → Disable) и добавьте бота в группу заново. Сообщения клиентов, у которых уже есть тема, приходят в неё; если Telegram не даст боту создавать темы, сообщения новых клиентов будут ждать — об этом бот скажет отдельно.
managers-group-cannot-read-messages-ended = ✅ Бот снова видит все сообщения группы: ответы в темах доходят до клиентов. То, что вы писали в темах, пока бот был обычным участником, могло до клиентов не дойти — повторите, пожалуйста.
managers-group-cannot-manage-topics-began = ⚠️ Telegram не даёт боту создавать темы (у бота нет права «Управление темами»): пока это так, сообщения новых клиентов ждут и в группу не приходят. Переписка в уже открытых темах идёт как обычно. Сделайте бота администратором группы с правом «Управление темами».
managers-group-cannot-manage-topics-ended = ✅ Бот снова может создавать темы: ждавшие сообщения новых клиентов уходят в их темы.

# Who is responsible for a dialog (/take, /assign, /release, /shift). Names are HTML-escaped by the caller.
dialog-owner-taken = 👤 Диалог ведёт { $who }.
# /take of a dialog another manager held: the one who had it is named, so nobody loses a dialog unseen.
dialog-owner-taken-from = 👤 Диалог ведёт { $who } (до этого вёл(а) { $from }).
dialog-owner-assigned = 👤 Диалог передан: теперь его ведёт { $who } (передал(а) { $by }).
dialog-owner-released = 👤 У диалога больше нет ответственного (снял(а) { $by }). Взять: /take
manager-owner-unchanged = Диалог уже ведёт { $who }.
manager-owner-none = У диалога и так нет ответственного.
manager-assign-how = Кому передать диалог? Напишите <code>/assign @username</code> или ответьте командой /assign на сообщение коллеги.
manager-assign-not-username = «{ $typed }» — не @username. Передать диалог: <code>/assign @username</code> коллеги или ответьте командой /assign на его сообщение.
manager-assign-unknown = Не знаю менеджера @{ $username }: пусть он хоть раз напишет команду в этой группе (например, /help), или проверьте @username.
manager-shift-how = Напишите <code>/shift on</code> — начать смену, <code>/shift off</code> — закончить, <code>/shift</code> — кто на смене.
manager-shift-on = { $mode ->
    [round_robin] Вы на смене: новые диалоги будут приходить вам по очереди с коллегами на смене.
    [first_answer] Смена отмечена. Новые диалоги по очереди не раздаются: диалог ведёт тот, кто первым ответит клиенту, или его берут командой /take.
   *[other] Смена отмечена. Новые диалоги по очереди не раздаются: диалоги берут командой /take.
}
manager-shift-off = Смена закончена: новые диалоги вам больше не раздаются.
manager-shift-already-on = Вы уже на смене.
manager-shift-already-off = Вы и так не на смене.
manager-shift-list = На смене: { $who }
manager-shift-nobody = никого

# A dialog's status (issue 19.1): on the client card after its emoji, and what the topic hears when it changes.
card-dialog-status = Статус: { $status }
dialog-status-waiting_us = ждёт нашего ответа
dialog-status-waiting_client = ждём ответа клиента
dialog-status-on_hold = отложен
dialog-status-closed = закрыт
dialog-status-banned = в чёрном списке
dialog-status-hold = ⏸ Диалог отложен (отложил(а) { $by }) до нового сообщения клиента. Вернуть: /unhold
dialog-status-unhold = ▶️ Диалог снова в работе (вернул(а) { $by }).
dialog-status-close = ✅ Диалог закрыт (закрыл(а) { $by }). Когда клиент напишет, тема откроется снова.
manager-status-unchanged = { $status ->
    [on_hold] Диалог уже отложен.
    [closed] Диалог уже закрыт.
   *[other] Диалог и так не отложен.
}

# Quick replies: /t in a client's topic (src/telegram/managerCommands.ts). { $names } is HTML-escaped by the caller.
manager-quick-reply-list = Быстрые ответы: { $names }
    Отправить клиенту: <code>/t имя</code> (можно начало имени). Завести новые — на странице «Быстрые ответы» платформы.
manager-quick-reply-none = Быстрых ответов пока нет: заведите их на странице «Быстрые ответы» платформы.
manager-quick-reply-ambiguous = Под «{ $query }» подходит несколько: { $names }. Уточните имя.
manager-quick-reply-unknown = Быстрого ответа «{ $query }» нет. Есть: { $names }
manager-quick-reply-missing = Не отправлено: в ответе «{ $name }» есть {"{"}{ $variable }{"}"}, а у диалога нет текущей заявки с этим значением.
manager-quick-reply-banned = Не отправлено: клиент в чёрном списке. Вернуть: /unban
manager-quick-reply-outside-topic = Быстрый ответ отправляют в теме клиента.

## Deal notes, the client card, the requisites warning and the 1C answers (managers' texts, issue 17).
## Telegram HTML; every variable is HTML-escaped by the caller.

# A change of a deal's terms in the topic (core/termsNote), from /rate … or the request page.
note-term-undone = ↩️ Отменено: { $label }: { $before } → <b>{ $after }</b>
note-total-changed = Итого к оплате: { $before } → <b>{ $after }</b>
note-changed-on-platform = <i>Изменено на платформе: { $name }</i>
note-field-amount = Сумма
note-field-rate = Курс
note-field-feePercent = Комиссия
note-field-fixedFee = Фиксированная комиссия
note-field-days = Срок исполнения
note-field-purpose = Назначение
note-field-beneficiaryName = Получатель
note-field-deadline = Оплатить до

# The client card, the first message of a client's topic (core/clientCard).
card-language = Язык: { $language }
card-first-contact = Первое обращение: { $at }
card-source = Источник: <code>{ $source }</code>
card-owner = Ответственный: { $name }
card-owner-none = Ответственный: нет — взять: /take
card-blocked = 📵 Клиент заблокировал бота (с { $at }): сообщения ему не доставляются
card-ratings = Оценки: { $scores } (средняя { NUMBER($average, maximumFractionDigits: 1) })
card-no-requests = Заявок пока нет. Создать: /new
card-requests = Заявки:
card-request = • <a href="{ $url }">№ { $number }</a> — { $status }
card-status-collecting_offers = сбор предложений
card-status-accepted = принята
card-status-completed = завершена
card-status-cancelled = отменена
card-all-requests = <a href="{ $url }">Диалог и заявки клиента на платформе</a>

# «📄 Документы 1С» on the action card (commands/requestOneCDocuments): the topic's messages and the button's answers.
onec-link = Заявка №{ $number } в 1С
onec-link-unbound = Заявка №{ $number } в 1С (документ ещё не связан — откроется по номеру)
onec-open-button = 📄 Открыть в 1С
onec-make-anyway-button = 📄 Сформировать как есть
onec-answer-link = Ссылка на 1С — в теме
onec-answer-requisites-missing = Реквизиты нашей компании не заполнены — документы вышли бы с пустыми местами. Подробности в теме.
onec-answer-http = Запросил документы в 1С — пришлю их в тему
onec-answer-odata = Создаю документ в 1С — ссылка на него придёт в тему
onec-answer-generated = Формирую поручение агенту и счёт — пришлю их в тему
# Our requisites are blank: what is missing ({ $missing }: the requisite-* names) and the admin page ({ $url }).
onec-requisites-warning =
    ⚠️ <b>Реквизиты нашей компании не заполнены</b>
    Не хватает: { $missing }. В поручении агенту и счёте эти места остались бы пустыми.
    Заполните их на платформе (администратор): <a href="{ $url }">Администрирование → Наши реквизиты</a> — и нажмите «Документы 1С» снова, или сформируйте как есть.
requisite-fullName = полное наименование
requisite-inn = ИНН
requisite-kpp = КПП
requisite-ogrn = ОГРН
requisite-address = юридический адрес
requisite-bank = банк
requisite-bic = БИК
requisite-corrAccount = корр. счёт
requisite-account = расчётный счёт
requisite-director = руководитель

# 1C's failures as a manager reads them in the topic (integrations/onec: odataClient failureSentence, http).
# Not HTML. { $said } is empty or « 1С: «…».» (1C's own words), { $entity } 1C's object name, { $journal } empty or onec-failure-journal.
onec-failure-again = Когда исправят, нажмите «Документы 1С» ещё раз.
onec-failure-said = 1С: «{ $message }».
onec-failure-unreachable = 1С не отвечает, повторю
onec-failure-locked = База 1С сейчас закрыта для работы (обновление или регламентные работы) — повторю, когда её откроют.{ $said }
onec-failure-auth = 1С не пускает пользователя { $who }: неверный логин или пароль. Администратору: проверьте пользователя в 1С (Администрирование → Настройки пользователей и прав → Пользователи) и ONEC_USER / ONEC_PASSWORD в настройках Hotline. { $again }
onec-failure-rights = У пользователя 1С { $who } нет права на { $operation }: { $entity }.{ $said } Администратору 1С: дайте ему это право (Администрирование → Настройки пользователей и прав → Группы доступа). { $again }
onec-failure-unpublished = В 1С не опубликован «{ $entity }» для стандартного интерфейса OData. Администратору 1С: откройте «Настройка стандартного интерфейса OData» (Администрирование → Обслуживание или Функции для технического специалиста → Обработки), отметьте этот объект и сохраните. { $again }
onec-failure-rejected = 1С отказал ({ $operation }: { $entity }): «{ $message }». { $journal }{ $again }
onec-failure-journal = Администратору 1С: подробности — в технологическом журнале.
onec-failure-no-message = без пояснения
onec-http-refused = 1С: { $message }
onec-operation-read = чтение
onec-operation-insert = добавление
onec-operation-update = изменение
onec-operation-post = проведение
onec-operation-unpost = отмену проведения

# The action card pinned in a client's topic (core/actionCard, jobs/actionCards).
action-title = <b>Заявка № { $number }</b> — { $status }
action-status-collecting_offers = Сбор предложений
action-status-accepted = Принята
action-status-completed = Завершена
action-status-cancelled = Отменена
action-open = <a href="{ $url }">Открыть на платформе</a>
action-client = Клиент: { $name }
action-amount = Сумма: <b>{ $amount }</b>
action-rate = Курс: { $rate } { $pair }
action-fee = Комиссия: { $percent } % = { $fee }
action-fixed-fee = Фиксированная комиссия: { $fee }
action-total = Итого к оплате: <b>{ $total }</b>
action-days = Срок исполнения: { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}
action-beneficiary = Получатель: { $name }{ $country }
action-purpose = Назначение: { $purpose }
action-deadline = Оплатить до: { $date }
action-documents = Документы: { $note }
action-documents-made = сформированы ({ $count })
action-button-edit = ✏️ Изменить
action-button-docs = 📄 Документы 1С
action-button-open-onec = 🔗 Открыть в 1С
action-button-confirm-complete = ✅ Завершить — подтвердите
action-button-keep-open = ↩️ Не завершать
action-button-confirm-cancel = ❌ Отменить — подтвердите
action-button-keep = ↩️ Не отменять
action-button-complete = ✅ Завершить
action-button-cancel = ❌ Отменить
# The card buttons' answers (telegram/deal.ts): a press on a card older than the request, and a leftover press on a closed request's card.
action-answer-stale = Карточка устарела — она уже обновляется. Нажмите кнопку на обновлённой карточке.
action-answer-closed = { $status ->
    [completed] Заявка № { $number } уже завершена.
   *[cancelled] Заявка № { $number } уже отменена.
}
# The deal's answers to managers (telegram/deal.ts): /new's link message and button, an edit command with no accepted
# request, and the card buttons' answers (answerCallbackQuery: at most 200 characters, Bot API). $manager is escaped HTML.
deal-new-link =
    📝 Создать заявку для клиента — кнопка ниже.
    Кнопка работает только у менеджера, набравшего /new ({ $manager }): входит на платформу под его учётной записью через Telegram, один раз, в течение { $minutes } мин.
deal-new-link-button = Создать заявку
deal-no-accepted-request = У клиента нет принятой заявки. Создайте её командой /new — условия можно менять после принятия предложения.
action-answer-dead-button = Эта кнопка больше не работает.
action-answer-managers-only = Кнопки карточки доступны только менеджерам в их группе.
action-answer-wrong-card = Эта карточка не относится к заявке, на которую указывает кнопка.
action-answer-not-group-deal = Эта заявка не ведётся из группы менеджеров.
action-answer-edit = Команды изменения — в теме
action-answer-keep = Хорошо, заявка остаётся как есть
action-answer-ask-complete = Нажмите «Завершить — подтвердите», чтобы завершить заявку
action-answer-ask-cancel = Нажмите «Отменить — подтвердите», чтобы отменить заявку
action-answer-press-again = Сначала нажмите кнопку ещё раз на актуальной карточке.
action-answer-completed = Заявка завершена
action-answer-cancelled = Заявка отменена
# The topic's notes to managers (commands/recordManagerMessage, setClientBlocked, managersChats `outageNotice`).
# $reason is the refusal's sentence; $from and $to are times like «09:15:00 UTC».
manager-message-not-sent = Сообщение не отправлено клиенту. { $reason }
client-blocked-bot-notice = 📵 Клиент заблокировал бота: сообщения ему не доставляются.
client-unblocked-bot-notice = ✅ Клиент разблокировал бота: сообщения снова доставляются.
# Under a manager's message Telegram refused because the client blocked the bot (jobs/telegramOutbox).
undelivered-blocked-notice = ⚠️ Не доставлено клиенту: клиент заблокировал бота.
bot-back-in-group-notice = ⚠️ Бот снова в группе. Сообщения, написанные здесь с { $from } до { $to }, до клиентов не дошли: Telegram не передаёт боту сообщения из группы, в которой его нет. Повторите их, пожалуйста, в темах клиентов.

# The rating asked when a request completes (issue 19.8, src/commands/rateRequest.ts); the client's language.
rating-ask = Заявка № { $number } выполнена. Оцените, пожалуйста, нашу работу: 1 — плохо, 5 — отлично.
rating-thanks = Спасибо за оценку { $score } из 5! Если хотите, напишите следующим сообщением, что нам сделать лучше.
rating-already = Вы уже оценили эту заявку. Спасибо!
# In the client's topic (managers read Russian).
rating-topic-note = ⭐ Клиент оценил заявку № { $number }: { $score } из 5.

# The answer-time promise (issue 19.3). $who is an HTML mention (escaped by the caller); $wait is like «12 мин».
answer-time-reminder-owner = ⏰ Клиент ждёт ответа уже { $wait } рабочего времени (обещаем отвечать за { $limit } мин). { $who }, ответьте, пожалуйста.
answer-time-reminder-group = ⏰ Клиент ждёт ответа уже { $wait } рабочего времени (обещаем отвечать за { $limit } мин), а ответственного нет. Ответьте, пожалуйста, или возьмите диалог: /take
answer-time-summary = ⏰ Ждут ответа дольше { $limit } мин рабочего времени ещё { $count } { $count ->
    [one] клиент
    [few] клиента
   *[many] клиентов
}:
answer-time-summary-line = • { $client } — { $wait }, { $who }
answer-time-summary-nobody = без ответственного
# To a client who writes outside working hours, once until we open; $opening is like «в понедельник, 30.11.2026, в 09:00 по Москве».
off-hours-answer = Спасибо, мы получили ваше сообщение! Сейчас у нас нерабочее время — ответим { $opening }.

# Broadcasts (issue 19.5, src/commands/feedBroadcasts.ts, setBroadcastOptOut.ts); the client's language.
broadcast-unsubscribe = Отписаться
broadcast-opted-out = Вы отписались от рассылок. Сообщения менеджерам по-прежнему доходят. Вернуться: кнопка ниже или /start.
broadcast-resubscribe = Подписаться снова
broadcast-opted-in = Вы снова получаете наши рассылки. Отписаться: /stop.
broadcast-button-done = Готово
broadcast-button-not-client = Это тестовая рассылка: у клиентов эта кнопка отписывает от рассылок.
