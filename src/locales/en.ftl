# Texts the bot sends to clients (their language: core/botTexts `clientLocale`).
# English. Keep in step with ru.ftl: the same keys, the same variables.

# The first answer to a new client.
greeting = Hello! We have received your message — a manager will reply here, in this chat.

# A manager edited a message the client already has and Telegram cannot edit its copy: the new text follows.
edited-note = ✏️ Message edited:

# A message sent again after the connection to Telegram broke: it may have arrived above already.
repeat-mark = 🔁 Repeat: the connection to Telegram was interrupted, this message may have arrived above already.

## Managers' texts (used when the managers' language is English).

# /help and /start in the managers' group. Telegram HTML.
manager-help =
    <b>Manager commands</b> (type them in a client's topic):
    /new — a link to the request form for this client
    /rate 12.25, /amount 100000, /fee 1.5, /fixed 500, /days 3, /purpose …, /deadline 01.12.2026, /beneficiary …, /undo — change the terms of an accepted request
    /skip — as a reply to a message: do not copy it into the request on the platform
    /unskip — as a reply to a message: copy it into the request again
    /ban reason — onto the blocklist: the client's messages are kept but not relayed; /unban — undo
    /label vip wholesale — put labels on the client, /unlabel vip — take one off, /label — the client's labels
    /take — take the dialog, /assign @username — hand it to a colleague, /release — leave it with nobody
    /shift on, /shift off — your shift: new dialogs are dealt in turn to those on shift
    /t name — send the client a quick reply (a name's beginning will do); /t — the list
    /find contract — find a client, a message or a request (in a topic or in General)
    /hold — put the dialog on hold until the client writes again, /unhold — undo; /close — close the dialog and its topic (the client writing reopens it)
    /help — this list

    A message starting with <code>!</code> is an internal note: the client never sees it, it keeps a ✍.
    A message skipped with /skip is marked 🙈.
    Everything else you write in the topic the bot sends to the client in its own name.

# A command typed in a group that is not a managers' group.
manager-not-managers-group = Hotline commands work only in the managers' group.
# Under a message or command in the managers' group sent on behalf of a chat (an anonymous admin, a channel): nobody to act as (telegram/senders.ts).
manager-not-a-person = Not taken: you are posting anonymously or as a channel. Admins: turn off “Remain anonymous” in your admin rights; members: choose yourself under “Send as”. Then send it again as yourself.

# A command nobody knows; { $typed } is HTML-escaped by the caller.
manager-unknown-command = Unknown command “<code>{ $typed }</code>”. Commands: /help
manager-unknown-command-suggestion = Unknown command “<code>{ $typed }</code>”. Did you mean <code>{ $form }</code>? A command and its value are separated by a space. Commands: /help
manager-unknown-command-suggestion-bare = Unknown command “<code>{ $typed }</code>”. Did you mean <code>{ $form }</code>? This command takes no value. Commands: /help

manager-new-outside-topic = /new works in a client's topic: open the topic and type /new there.
manager-muted-no-deal = The group's administrators have restricted you from sending messages there, so deal buttons and commands are not available to you.
manager-topic-only = This command works in a client's topic.
# A command that takes no value, typed with words after it (/take now): nothing is done. { $typed } is HTML-escaped by the caller.
manager-command-takes-no-value = <code>{ $form }</code> takes no value — «<code>{ $typed }</code>» was not understood and nothing was done. Type just <code>{ $form }</code>.

# One of our managers wrote to the bot privately: no client dialog is opened for them (relay.ts).
manager-private-chat = You are a Hotline manager, so this chat does not become a client dialog and no topic is made for you. Answer clients in their topics of the managers' group (/help there lists the commands); requests, dialogs and ratings are on the platform: { $url }
# A member of a managers' group with no platform account linked yet wrote to the bot privately (relay.ts): any message or command in the group links it (ensureManagerUser).
member-private-chat = You are in the Hotline managers' group, but your Telegram is not linked to a platform account yet, so this chat does not become a client dialog and no topic is made for you. To link your account, send /help in the managers' group; the private chat with the bot is for managers with a linked account.
# Staff (linked, or a member of the group) who wrote as a client before and have a dialog and a topic: their private messages are not relayed into it (relay.ts, staffPrivateChat.ts).
manager-private-chat-client = You are a Hotline manager: your Telegram is linked to a platform account, so what you write here is not passed to your client topic. To write as a client, use another Telegram account. Requests, dialogs and ratings are on the platform: { $url }
member-private-chat-client = You are in the Hotline managers' group: while you are in it, what you write here is not passed to your client topic. To write as a client, leave the group or use another Telegram account.
manager-skip-how = Reply with /skip to the message that should not be copied into the request.
manager-unskip-how = Reply with /unskip to the message that should be copied into the request again.
manager-skip-not-dialog = This message is not part of the conversation with the client. Reply with /skip to a message of the client or of a manager.
manager-unskip-not-dialog = This message is not part of the conversation with the client. Reply with /unskip to a message of the client or of a manager.

# /ban and /unban in a client's topic (the blocklist). { $who } and { $reason } are HTML-escaped by the caller.
client-banned-notice = ⛔️ The client is on the blocklist ({ $who }): { $reason }
    Their messages are kept on the platform but not relayed here, and the bot sends them nothing. To undo: /unban
client-unbanned-notice = ✅ The client is off the blocklist ({ $who }). { $count ->
    [0] They wrote nothing meanwhile.
    [one] They wrote { $count } message meanwhile — it is on the platform.
   *[other] They wrote { $count } messages meanwhile — they are on the platform.
}
manager-ban-how = Type the reason after a space: <code>/ban spam</code>. The client goes on the blocklist: their messages are kept but not relayed, and the bot sends them nothing.
manager-ban-already = The client is already on the blocklist: { $reason }. To undo: /unban
manager-unban-not-banned = The client is not on the blocklist.

# /label, /unlabel in a client's topic (labels on clients). { $labels } is a comma-separated list (labels are plain: letters, digits, _ and -).
manager-label-how = Type labels separated by spaces: <code>/label vip wholesale</code> — put them on, <code>/unlabel vip</code> — take off, <code>/label</code> — show the client's labels. A label is up to 32 letters, digits, _ or -, no spaces.
manager-unlabel-how = Type which labels to take off: <code>/unlabel vip</code>. The client's labels: { $labels }
manager-labels-list = 🏷 The client's labels: { $labels }
manager-labels-none = The client has no labels. Put one on: <code>/label vip</code>
manager-labels-changed = 🏷 { $added ->
    [none] {""}
   *[other] Added: { $added }.{" "}
}{ $removed ->
    [none] {""}
   *[other] Removed: { $removed }.{" "}
}The client's labels: { $labels }
manager-labels-unchanged = Nothing changed. The client's labels: { $labels }
manager-labels-empty = none
# The client card's line with the client's labels.
card-labels = 🏷 Labels: { $labels }
# A manager's message in the topic of a banned client.
manager-message-to-banned = The client is on the blocklist. To undo: /unban

# /find in the managers' group. Telegram HTML; { $query }, { $reason } and { $url } are HTML-escaped by the caller.
manager-find-how = Type what to find after the command: <code>/find contract</code>, <code>/find Ivanov</code>, a request number or an INN.
manager-find-refused = Could not search: { $reason }
manager-find-none = Nothing found for «{ $query }».
manager-find-header = 🔎 Found for «{ $query }»:
manager-find-topic = topic
manager-find-request = Request { $number }
manager-find-all = <a href="{ $url }">All results on the platform</a>{ $more ->
    [0] {""}
   *[other] {" "}({ $more } more)
}

# The bot's rights in the managers' group changed (src/telegram/managersGroupHealth.ts): one notice when a problem begins, one when it ends.
managers-group-cannot-read-messages-began = ⚠️ The bot no longer sees your messages in this group: it is a plain member here, and in privacy mode Telegram gives such a bot only commands, mentions and replies to its messages. Answers in clients' topics will not reach the clients. Make the bot an administrator of the group — or turn privacy mode off in @BotFather (/setprivacy → Disable) and add the bot to the group again. Clients who already have a topic get their messages into it; should Telegram not let the bot create topics, new clients' messages will wait — the bot will say so separately.
managers-group-cannot-read-messages-ended = ✅ The bot sees every message of the group again: answers in the topics reach clients. What you wrote in the topics while the bot was a plain member may not have reached clients — please repeat it.
managers-group-cannot-manage-topics-began = ⚠️ Telegram does not let the bot create topics (it lacks the right "Manage Topics"): while so, new clients' messages wait and do not reach the group. Topics already open work as usual. Make the bot an administrator of the group with the right "Manage Topics".
managers-group-cannot-manage-topics-ended = ✅ The bot may create topics again: new clients' waiting messages go to their topics.

# Who is responsible for a dialog (/take, /assign, /release, /shift). Names are HTML-escaped by the caller.
dialog-owner-taken = 👤 { $who } is handling this dialog.
# /take of a dialog another manager held: the one who had it is named, so nobody loses a dialog unseen.
dialog-owner-taken-from = 👤 { $who } is handling this dialog (taken over from { $from }).
dialog-owner-assigned = 👤 Dialog handed over: { $who } is handling it now (by { $by }).
dialog-owner-released = 👤 Nobody is handling this dialog now (released by { $by }). To take it: /take
manager-owner-unchanged = { $who } is already handling this dialog.
manager-owner-none = Nobody is handling this dialog already.
manager-assign-how = To whom? Type <code>/assign @username</code> or reply with /assign to a colleague's message.
manager-assign-not-username = «{ $typed }» is not a @username. To hand the dialog over: <code>/assign @username</code> of a colleague, or reply with /assign to their message.
manager-assign-unknown = I do not know a manager @{ $username }: they should type a command in this group once (for example /help), or check the @username.
manager-shift-how = Type <code>/shift on</code> to start your shift, <code>/shift off</code> to end it, <code>/shift</code> to see who is on shift.
manager-shift-on = { $mode ->
    [round_robin] You are on shift: new dialogs will be dealt to you in turn with colleagues on shift.
    [first_answer] Shift noted. New dialogs are not dealt in turn: whoever answers the client first handles the dialog, or take one with /take.
   *[other] Shift noted. New dialogs are not dealt in turn: take dialogs with /take.
}
manager-shift-off = Shift ended: new dialogs are no longer dealt to you.
manager-shift-already-on = You are already on shift.
manager-shift-already-off = You are not on shift.
manager-shift-list = On shift: { $who }
manager-shift-nobody = nobody

# A dialog's status (issue 19.1): on the client card after its emoji, and what the topic hears when it changes.
card-dialog-status = Status: { $status }
dialog-status-waiting_us = waiting for our answer
dialog-status-waiting_client = waiting for the client
dialog-status-on_hold = on hold
dialog-status-closed = closed
dialog-status-banned = on the blocklist
dialog-status-hold = ⏸ Dialog on hold (by { $by }) until the client writes again. To resume: /unhold
dialog-status-unhold = ▶️ Dialog back in work (by { $by }).
dialog-status-close = ✅ Dialog closed (by { $by }). The topic reopens when the client writes.
manager-status-unchanged = { $status ->
    [on_hold] The dialog is already on hold.
    [closed] The dialog is already closed.
   *[other] The dialog is not on hold.
}

# Quick replies: /t in a client's topic (src/telegram/managerCommands.ts). { $names } is HTML-escaped by the caller.
manager-quick-reply-list = Quick replies: { $names }
    Send one to the client: <code>/t name</code> (a name's beginning will do). Add new ones on the platform's «Quick replies» page.
manager-quick-reply-none = No quick replies yet: add them on the platform's «Quick replies» page.
manager-quick-reply-ambiguous = Several match «{ $query }»: { $names }. Type more of the name.
manager-quick-reply-unknown = There is no quick reply «{ $query }». There are: { $names }
manager-quick-reply-missing = Not sent: the reply «{ $name }» uses {"{"}{ $variable }{"}"}, and the dialog has no current request with that value.
manager-quick-reply-banned = Not sent: the client is on the blocklist. To undo: /unban
manager-quick-reply-outside-topic = Quick replies are sent in a client's topic.

## Deal notes, the client card, the requisites warning and the 1C answers (managers' texts, issue 17).
## Telegram HTML; every variable is HTML-escaped by the caller.

# A change of a deal's terms in the topic (core/termsNote), from /rate … or the request page.
note-term-undone = ↩️ Undone: { $label }: { $before } → <b>{ $after }</b>
note-total-changed = Total to pay: { $before } → <b>{ $after }</b>
note-changed-on-platform = <i>Changed on the platform: { $name }</i>
note-field-amount = Amount
note-field-rate = Rate
note-field-feePercent = Fee
note-field-fixedFee = Fixed fee
note-field-days = Execution time
note-field-purpose = Purpose
note-field-beneficiaryName = Beneficiary
note-field-deadline = Pay by

# The client card, the first message of a client's topic (core/clientCard).
card-language = Language: { $language }
card-first-contact = First contact: { $at }
card-source = Source: <code>{ $source }</code>
card-owner = Responsible: { $name }
card-owner-none = Responsible: nobody — take it: /take
card-blocked = 📵 The client has blocked the bot (since { $at }): messages do not reach them
card-ratings = Ratings: { $scores } (average { NUMBER($average, maximumFractionDigits: 1) })
card-no-requests = No requests yet. Create one: /new
card-requests = Requests:
card-request = • <a href="{ $url }">No. { $number }</a> — { $status }
card-status-collecting_offers = collecting offers
card-status-accepted = accepted
card-status-completed = completed
card-status-cancelled = cancelled
card-all-requests = <a href="{ $url }">The client's dialog and requests on the platform</a>

# «📄 Документы 1С» on the action card (commands/requestOneCDocuments): the topic's messages and the button's answers.
onec-link = Request No. { $number } in 1C
onec-link-unbound = Request No. { $number } in 1C (the document is not linked yet — it opens by the number)
onec-open-button = 📄 Open in 1C
onec-make-anyway-button = 📄 Make them anyway
onec-answer-link = The link to 1C is in the topic
onec-answer-requisites-missing = Our company's requisites are not filled in — the documents would have blanks. Details in the topic.
onec-answer-http = Asked 1C for the documents — they will come to the topic
onec-answer-odata = Creating the document in 1C — its link will come to the topic
onec-answer-generated = Making the agent order and the invoice — they will come to the topic
# Our requisites are blank: what is missing ({ $missing }: the requisite-* names) and the admin page ({ $url }).
onec-requisites-warning =
    ⚠️ <b>Our company's requisites are not filled in</b>
    Missing: { $missing }. The agent order and the invoice would have these places blank.
    Fill them in on the platform (administrator): <a href="{ $url }">Administration → Our requisites</a> — then press «Документы 1С» again, or make them as they are.
requisite-fullName = full legal name
requisite-inn = INN
requisite-kpp = KPP
requisite-ogrn = OGRN
requisite-address = legal address
requisite-bank = bank
requisite-bic = BIK
requisite-corrAccount = correspondent account
requisite-account = settlement account
requisite-director = director

# 1C's failures as a manager reads them in the topic (integrations/onec: odataClient failureSentence, http).
# Not HTML. { $said } is empty or « 1С: «…».» (1C's own words), { $entity } 1C's object name, { $journal } empty or onec-failure-journal.
onec-failure-again = Once it is fixed, press «Документы 1С» again.
onec-failure-said = 1C says: «{ $message }».
onec-failure-unreachable = 1C does not answer, I will retry
onec-failure-locked = The 1C database is closed for work now (an update or maintenance) — I will retry once it opens.{ $said }
onec-failure-auth = 1C does not let the user { $who } in: wrong login or password. To the administrator: check the user in 1C (Администрирование → Настройки пользователей и прав → Пользователи) and ONEC_USER / ONEC_PASSWORD in Hotline's settings. { $again }
onec-failure-rights = The 1C user { $who } has no right to { $operation }: { $entity }.{ $said } To the 1C administrator: grant it (Администрирование → Настройки пользователей и прав → Группы доступа). { $again }
onec-failure-unpublished = «{ $entity }» is not published in 1C's standard OData interface. To the 1C administrator: open «Настройка стандартного интерфейса OData» (Администрирование → Обслуживание or Функции для технического специалиста → Обработки), tick this object and save. { $again }
onec-failure-rejected = 1C refused ({ $operation }: { $entity }): «{ $message }». { $journal }{ $again }
onec-failure-journal = To the 1C administrator: the details are in the technological log.
onec-failure-no-message = no explanation
onec-http-refused = 1C says: { $message }
onec-operation-read = read
onec-operation-insert = add
onec-operation-update = change
onec-operation-post = post
onec-operation-unpost = unpost

# The action card pinned in a client's topic (core/actionCard, jobs/actionCards).
action-title = <b>Request No. { $number }</b> — { $status }
action-status-collecting_offers = Collecting offers
action-status-accepted = Accepted
action-status-completed = Completed
action-status-cancelled = Cancelled
action-open = <a href="{ $url }">Open on the platform</a>
action-client = Client: { $name }
action-amount = Amount: <b>{ $amount }</b>
action-rate = Rate: { $rate } { $pair }
action-fee = Fee: { $percent } % = { $fee }
action-fixed-fee = Fixed fee: { $fee }
action-total = Total to pay: <b>{ $total }</b>
action-days = Execution time: { $days } { $days ->
    [one] day
   *[other] days
}
action-beneficiary = Beneficiary: { $name }{ $country }
action-purpose = Purpose: { $purpose }
action-deadline = Pay by: { $date }
action-documents = Documents: { $note }
action-documents-made = made ({ $count })
action-button-edit = ✏️ Change
action-button-docs = 📄 1C documents
action-button-open-onec = 🔗 Open in 1C
action-button-confirm-complete = ✅ Complete — confirm
action-button-keep-open = ↩️ Do not complete
action-button-confirm-cancel = ❌ Cancel — confirm
action-button-keep = ↩️ Do not cancel
action-button-complete = ✅ Complete
action-button-cancel = ❌ Cancel
# The card buttons' answers (telegram/deal.ts): a press on a card older than the request, and a leftover press on a closed request's card.
action-answer-stale = The card is out of date — it is being updated. Press the button on the updated card.
action-answer-closed = { $status ->
    [completed] Request No. { $number } is already completed.
   *[cancelled] Request No. { $number } is already cancelled.
}
# The deal's answers to managers (telegram/deal.ts): /new's link message and button, an edit command with no accepted
# request, and the card buttons' answers (answerCallbackQuery: at most 200 characters, Bot API). $manager is escaped HTML.
deal-new-link =
    📝 Create a request for the client — the button below.
    The button works only for the manager who typed /new ({ $manager }): it signs them in to the platform with their account via Telegram, once, within { $minutes } min.
deal-new-link-button = Create a request
deal-no-accepted-request = The client has no accepted request. Create one with /new — the terms can be changed once an offer is accepted.
action-answer-dead-button = This button no longer works.
action-answer-managers-only = The card's buttons work only for managers in their group.
action-answer-wrong-card = This card does not belong to the request the button points to.
action-answer-not-group-deal = This request is not run from the managers' group.
action-answer-edit = The edit commands are in the topic
action-answer-keep = OK, the request stays as it is
action-answer-ask-complete = Press “Complete — confirm” to complete the request
action-answer-ask-cancel = Press “Cancel — confirm” to cancel the request
action-answer-press-again = First press the button again on the current card.
action-answer-completed = Request completed
action-answer-cancelled = Request cancelled
# The topic's notes to managers (commands/recordManagerMessage, setClientBlocked, managersChats `outageNotice`).
# $reason is the refusal's sentence; $from and $to are times like «09:15:00 UTC».
manager-message-not-sent = The message was not sent to the client. { $reason }
client-blocked-bot-notice = 📵 The client blocked the bot: messages are not delivered to them.
client-unblocked-bot-notice = ✅ The client unblocked the bot: messages are delivered again.
# Under a manager's message Telegram refused because the client blocked the bot (jobs/telegramOutbox).
undelivered-blocked-notice = ⚠️ Not delivered to the client: the client has blocked the bot.
bot-back-in-group-notice = ⚠️ The bot is back in the group. Messages written here from { $from } to { $to } did not reach clients: Telegram does not pass the bot messages from a group it is not in. Please repeat them in the clients' topics.

# The rating asked when a request completes (issue 19.8, src/commands/rateRequest.ts); the client's language.
rating-ask = Request No. { $number } is done. Please rate our work: 1 — poor, 5 — excellent.
rating-thanks = Thank you for rating us { $score } out of 5! If you like, tell us in your next message what we could do better.
rating-already = You have already rated this request. Thank you!
# In the client's topic (managers read Russian).
rating-topic-note = ⭐ The client rated request No. { $number }: { $score } out of 5.

# The answer-time promise (issue 19.3). $who is an HTML mention (escaped by the caller); $wait is like «12 min».
answer-time-reminder-owner = ⏰ The client has waited { $wait } of working time for an answer (we promise { $limit } min). { $who }, please answer.
answer-time-reminder-group = ⏰ The client has waited { $wait } of working time for an answer (we promise { $limit } min), and nobody is handling the dialog. Please answer, or take it: /take
answer-time-summary = ⏰ { $count ->
    [one] { $count } more client has
   *[other] { $count } more clients have
} waited longer than { $limit } min of working time:
answer-time-summary-line = • { $client } — { $wait }, { $who }
answer-time-summary-nobody = nobody handling
# To a client who writes outside working hours, once until we open; $opening is like «on Monday, 30 Nov 2026, at 09:00 (Europe/Moscow)».
off-hours-answer = Thank you, we have received your message! We are closed now and will answer { $opening }.

# Broadcasts (issue 19.5, src/commands/feedBroadcasts.ts, setBroadcastOptOut.ts); the client's language.
broadcast-unsubscribe = Unsubscribe
broadcast-opted-out = You have unsubscribed from our mailings. Your messages to our managers still get through. To come back: the button below or /start.
broadcast-resubscribe = Subscribe again
broadcast-opted-in = You will get our mailings again. To unsubscribe: /stop.
broadcast-button-done = Done
broadcast-button-not-client = This is a test send: for clients this button unsubscribes them from mailings.
