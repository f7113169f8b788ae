/**
 * Machine codes for the sentences the server refuses with (issue 17: an
 * English page must not show the server's Russian). The API keeps its
 * Russian `error` / `fields` for API clients and adds `code` / `fieldCodes`
 * (`{ code, params }`) found here; the web app shows the code's text in the
 * UI's language (web/src/messages.ts, `serverMessages`), the Russian sentence
 * when it knows no code.
 *
 * Why a catalogue of the Russian sentences instead of a code at each throw:
 * the same checks answer the bot in Russian (`/inn`, `/rate`, `/deadline`…),
 * and the sentences are built deep in core (requisites, terms, money). Reading
 * the code off the finished sentence keeps those ~150 call sites and their
 * wording as they are; a test (test/platform/messageCodes.test.ts) runs the checks with bad
 * input and fails when a sentence has no code, or a code no English text.
 *
 * Templates: `{name}` captures a parameter (as short as possible), `{_}`
 * matches a word that only agrees in gender and is dropped. A parameter whose
 * value is a known phrase (a field's name, a purpose gap), or a list of them
 * joined by «, », is sent as `@phrase.code` tokens for the page to translate.
 */

/** A sentence's code and its parameters, as the API sends them. */
export interface MessageCode {
  code: string;
  params?: Record<string, string>;
}

/** code → the Russian sentence's template. */
export const MESSAGE_TEMPLATES: Record<string, string> = {
  // Generic answers of the API (src/platform/api.ts, auth guard, commands/validation.ts).
  'form.check': 'Проверьте поля формы',
  'form.invalidValue': 'Неверное значение',
  'form.invalidRequestValue': 'Неверное значение в запросе',
  'form.nul': 'Недопустимый символ NUL (\\0) в поле',
  // A field's schema refused it (src/platform/api.ts fieldMessage): what is allowed.
  'form.required': 'Обязательное поле',
  'form.unknownField': 'Неизвестное поле: уберите его',
  'dialogs.ownerFilter': 'Допустимые значения: me, none или id пользователя (целое число от 1)',
  'form.filled': 'Заполните поле',
  'form.textMax': 'Максимальная длина: {max}',
  'form.textMin': 'Минимальная длина: {min}',
  'form.listMax': 'Не больше {max} в списке',
  'form.listMin': 'Хотя бы {min} в списке',
  'form.numberMax': 'Число не больше {max}',
  'form.numberMin': 'Число не меньше {min}',
  'form.numberAbove': 'Число больше {min}',
  'form.numberBelow': 'Число меньше {max}',
  'form.number': 'Нужно число',
  'form.text': 'Нужен текст',
  'form.inexactNumber': 'Число с экспонентой (1e5) или больше 15 значащих цифр не передаётся точно: пришлите значение текстом, например "1234.56"',
  'form.boolean': 'Нужно true или false',
  'form.list': 'Нужен список',
  'form.object': 'Нужен объект с полями',
  'request.invalidJson': 'Тело запроса — не JSON: проверьте кавычки, запятые и скобки',
  'request.notUtf8': 'Тело запроса не читается: оно не в кодировке UTF-8',
  'request.notFound': 'Такого адреса в API нет: проверьте путь запроса',
  'request.noFile': 'Такого файла нет: проверьте адрес',
  'request.methodNotAllowed': 'Метод {method} по этому адресу не принимается: допустимы {allowed}',
  // Input that cannot be taken as sent (src/platform/queryString.ts, jsonBody.ts, refusals.ts, validationMessages.ts).
  'form.emptyParameter': 'Пустое значение параметра: укажите значение',
  'form.badEscape': 'Неверная %-последовательность: значение не читается как UTF-8 (например, «я» — это %D1%8F)',
  'form.twice': 'Указано дважды: оставьте одно значение',
  'form.surrogate': 'Недопустимый символ: одиночная половина суррогатной пары UTF-16 (\\uD800–\\uDFFF)',
  'form.types': 'Нужно одно из: {types}',
  'form.numberInfinite': 'Число слишком большое: JSON-число должно быть конечным (меньше 1,8e308)',
  'form.unknownPart': 'Неизвестная часть формы: уберите её',
  'filter.currency': 'Нет такой валюты: нужен код ISO 4217 из трёх латинских букв, например USD',
  'filter.country': 'Нет такой страны: нужен код ISO 3166-1 из двух латинских букв, например CN',
  'request.emptyJson': 'Пустое тело запроса при Content-Type: application/json — пришлите {} или уберите заголовок',
  'request.mediaType': 'Неподдерживаемый Content-Type: нужен application/json (файлы — multipart/form-data)',
  'request.tooLarge': 'Слишком большой запрос',
  'request.contentLength': 'Размер тела запроса не совпадает с Content-Length',
  'request.badUrl': 'Адрес запроса не читается: неверная %-последовательность; символы вне ASCII пришлите %-кодированными в UTF-8, например %D1%8F вместо «я»',
  'request.rawUrl': 'Адрес запроса не читается: символы вне ASCII пришлите %-кодированными в UTF-8, например %D1%8F вместо «я»',
  'request.longUrl': 'Слишком длинная часть адреса запроса',
  'request.malformed': 'Запрос не читается как HTTP/1.1',
  'request.headersTooLarge': 'Слишком большие заголовки запроса',
  'request.timeout': 'Запрос не пришёл целиком вовремя: повторите его',
  'chat.textRequired': 'Напишите сообщение',
  'chat.textTooLong': 'Сообщение: не длиннее {max} символов',
  'request.createNotAllowed': 'Ваша организация не может создавать заявки',
  'form.integer': 'Нужно целое число',
  'form.digits': 'Целое число из цифр 0–9',
  'form.oneOf': 'Допустимые значения: {list}',
  'form.duplicate': 'Такая запись уже есть: обновите страницу и проверьте',
  'server.internal': 'Внутренняя ошибка сервера',
  // Search (src/core/searchText.ts).
  'search.tooShort': 'Введите хотя бы {min} символа',
  'search.tooLong': 'Запрос длиннее {max} символов: сократите его',
  'search.control': 'В запросе недопустимые управляющие символы',
  'search.onlyExcluded': 'Добавьте слово, которое нужно найти: «-слово» только исключает',
  // Working hours and holidays (src/core/workingHours.ts HOURS_MESSAGES).
  'hours.time': 'Время в формате ЧЧ:ММ, например 09:00',
  'hours.noTime': 'Укажите время: ЧЧ:ММ, например 09:00',
  'hours.noSuchTime': 'Такого времени нет: часы от 00 до 23 (24:00 — только конец дня), минуты от 00 до 59',
  'hours.range': 'Конец рабочего дня должен быть позже начала',
  'hours.noWorkday': 'Отметьте хотя бы один рабочий день недели',
  'hours.date': 'Дата в формате ГГГГ-ММ-ДД, с 1990 по 2100 год',
  'hours.noDate': 'Укажите дату',
  'hours.noSuchDate': 'Такого дня в календаре нет — проверьте число и месяц',
  'hours.duplicate': 'Этот день уже есть в списке',
  'hours.both': 'Этот день уже отмечен выходным',
  'hours.sameAsWeek': 'В этот день и так работаем с такими часами — перенос не нужен',
  'hours.tooMany': 'Не больше {max} дней в списке',
  // Quick replies (src/core/quickReply.ts, src/commands/saveQuickReply.ts).
  'template.tooLongFilled': 'С подставленными переменными текст может выйти длиннее {max} символов — сократите его',
  'quickReply.ampersand': 'Знак «&» пишите как &amp; (символ {at})',
  'quickReply.entity': 'Неизвестная замена {entity}: можно &lt; &gt; &amp; &quot; (символ {at})',
  'quickReply.greater': 'Знак «>» пишите как &gt; (символ {at})',
  'quickReply.less': 'Знак «<» пишите как &lt; (символ {at})',
  'quickReply.extraClose': 'Лишний закрывающий тег </{tag}> (символ {at})',
  'quickReply.wrongClose': 'Ожидался </{expected}>, а написан </{tag}> (символ {at})',
  'quickReply.unsupportedTag': 'Тег <{tag}> не поддерживается: можно <b> <i> <u> <s> <a href> <code> (символ {at})',
  'quickReply.insideCode': 'Внутри <code> теги не работают (символ {at})',
  'quickReply.linkNeedsHref': 'У ссылки нужен адрес: <a href="https://…"> (символ {at})',
  'quickReply.linkScheme': 'Адрес ссылки должен начинаться с https:// или http:// (символ {at})',
  'quickReply.attributes': 'У тега <{tag}> не бывает атрибутов (символ {at})',
  'quickReply.unclosed': 'Тег <{tag}> не закрыт: допишите </{close}>',
  'quickReply.unknownVariable': 'Неизвестная переменная {{name}}: можно {list}',
  'quickReply.tooLong': 'Текст длиннее {max} символов — столько Telegram не отправит',
  'quickReply.bodyRequired': 'Напишите текст',
  'quickReply.nameRequired': 'Напишите название',
  'quickReply.nameForm': 'Название: 1–32 буквы, цифры, _ или -, без пробелов',
  'quickReply.nameTaken': 'Такое название уже есть',
  'quickReply.staffOnly': 'Быстрые ответы ведут только менеджеры',
  'quickReply.notFound': 'Быстрый ответ не найден',
  'ratings.staffOnly': 'Оценки видят только менеджеры',
  // Broadcasts (src/core/broadcast.ts, src/commands/saveBroadcast.ts, testBroadcast.ts, startBroadcast.ts).
  'broadcast.staffOnly': 'Рассылки отправляют только менеджеры и администраторы',
  'broadcast.notFound': 'Рассылка не найдена',
  'broadcast.notDraft': 'Рассылка уже запущена: её текст и метки не меняются',
  'broadcast.titleRequired': 'Напишите название рассылки',
  'broadcast.titleTooLong': 'Название длиннее {max} символов',
  'broadcast.labelsRequired': 'Выберите хотя бы одну метку',
  'broadcast.labelsTooMany': 'Не больше {max} меток',
  'broadcast.noTelegram': 'Ваш аккаунт не связан с Telegram, а тестовая отправка идёт вам в Telegram: напишите что-нибудь в группе менеджеров или попросите администратора указать ваш Telegram ID',
  'broadcast.testFirst': 'Сначала отправьте рассылку себе (тестовая отправка); после изменения текста — снова',
  'broadcast.testByStarter': 'Запускает тот, кто проверил рассылку: отправьте тест себе, затем запускайте',
  'broadcast.testInFlight': 'Тестовое сообщение ещё в пути — запустите через несколько секунд',
  'broadcast.testUnreachable':
    'Тестовое сообщение до вас не дошло: Telegram не даёт боту написать вам — вы ещё не нажимали «Старт» в боте или остановили его. Откройте бота в Telegram, нажмите «Старт» и отправьте тест снова',
  'broadcast.testRefused': 'Тестовое сообщение до вас не дошло: Telegram его не принял — исправьте текст и отправьте тест снова',
  'broadcast.noRecipients': 'Ни у одного клиента нет этих меток',
  'broadcast.alreadyStarted': 'Рассылка уже запущена',
  'broadcast.notSending': 'Рассылка не идёт: останавливать нечего',
  'auth.signIn': 'Войдите в систему',
  'auth.csrf': 'Нет CSRF-токена: обновите страницу и повторите',
  'auth.wrongPassword': 'Неверный e-mail или пароль',
  'auth.tooManyFromAddress': 'Слишком много попыток входа с этого адреса. Попробуйте снова через {seconds} с.',
  'auth.tooManyFailedFromAddress': 'Слишком много неудачных попыток входа с этого адреса. Попробуйте снова через {minutes} мин.',
  'auth.tooManyFailed': 'Слишком много неудачных попыток входа. Попробуйте снова через {minutes} мин.',
  'auth.link.invalidOrUsed': 'Ссылка недействительна или уже использована',
  'auth.link.invalid': 'Ссылка недействительна',
  'auth.link.expired': 'Ссылка устарела: она действует несколько минут. Наберите /new в теме клиента ещё раз.',
  'auth.link.used': 'По этой ссылке уже вошли: она одноразовая. Наберите /new в теме клиента ещё раз.',
  'auth.link.telegramRequired':
    'Откройте ссылку кнопкой «Создать заявку» под сообщением бота в Telegram и подтвердите вход: без подтверждения Telegram ссылка не входит на платформу.',
  'auth.link.otherManager':
    'Эта ссылка создана для другого менеджера ({name}) и входит на платформу только под его учётной записью. Чтобы создать заявку, наберите /new в теме клиента сами.',
  'access.adminOnly': 'Это может только администратор',
  'access.dialogsManagersOnly': 'Диалоги видят только менеджеры',
  'access.generalListOffersOnly': 'Общий список заявок видят только организации, которые делают предложения',
  'access.ownRequestsRequestersOnly': 'Список своих заявок есть только у организаций, которые создают заявки',
  'access.formReferenceRequestersOnly': 'Плательщики и получатели из заявок доступны только тем, кто создаёт заявки',
  'access.formReferenceOursStaffOnly': 'Плательщики нашей организации — компании наших клиентов: их видят только менеджеры',
  'notFound.request': 'Заявка не найдена',
  'notFound.dialog': 'Диалог не найден',
  // The dialogs page: blocklist, ownership, sources (src/commands/banClient.ts, dialogOwner.ts, platform/routes/dialogs.ts).
  'ban.reasonRequired': 'Напишите причину',
  'ban.reasonTooLong': 'Причина: не длиннее {max} символов',
  'ban.staffOnly': 'Чёрный список ведут только менеджеры',
  'ban.sendRefused': 'Клиент в чёрном списке: бот ничего ему не отправляет. Снимите блокировку на странице «Диалоги» или командой /unban в теме',
  'owner.staffOnly': 'Ответственных за диалоги назначают только менеджеры',
  'owner.notStaff': 'Вести диалог может только менеджер нашей организации с действующей учётной записью',
  'owner.shiftStaffOnly': 'Смену отмечают только менеджеры',
  'dialogs.statusStaffOnly': 'Статус диалога меняют только менеджеры',
  'dialogs.beforeRecentOnly': 'Список по времени ожидания не листается: before только для sort=recent',
  'dialogs.sourceForm': 'Источник — параметр ссылки t.me/…?start=: от 1 до 64 латинских букв, цифр, _ и -',
  // Labels on clients and the export of clients (src/commands/labelClient.ts, src/platform/routes/clients.ts).
  'labels.staffOnly': 'Метки клиентов ставят только менеджеры',
  'labels.form': 'Метка «{label}» не подходит: от 1 до {max} букв, цифр, _ или -, без пробелов',
  'labels.mixedScripts': 'Метка «{label}» не подходит: в ней и латинские, и русские буквы — напишите её одним алфавитом',
  'labels.tooMany': 'У клиента не больше {max} меток',
  'labels.filterForm': 'Метка в фильтре: от 1 до {max} букв, цифр, _ или -, без пробелов',
  'export.staffOnly': 'Выгружать клиентов могут только менеджеры',
  // The dashboard and a client's history (src/platform/routes/insight.ts, clients.ts).
  'insight.adminOnly': 'Панель показателей видит только руководитель (администратор)',
  'insight.fromDate': 'Дата «с» — в формате ГГГГ-ММ-ДД, существующий день с 2000 по 2100 год',
  'insight.toDate': 'Дата «по» — в формате ГГГГ-ММ-ДД, существующий день с 2000 по 2100 год',
  'insight.fromAfterTo': 'Дата «с» позже даты «по»',
  'list.amountMinAboveMax': 'Сумма «от» больше суммы «до»',
  'insight.periodTooLong': 'Период — не больше {days} дней',
  'insight.unknownManager': 'Такого менеджера нет',
  'access.clientHistoryManagersOnly': 'Историю клиента видят только менеджеры',
  'notFound.client': 'Клиент не найден',
  'notFound.offer': 'Предложение не найдено',
  'notFound.user': 'Пользователь не найден',
  'notFound.organization': 'Организация не найдена',
  'list.staleCursor': 'Ссылка на страницу списка устарела или повреждена: откройте список сначала',
  'list.dateRange': 'Дата в формате ГГГГ-ММ-ДД, с {min} по {max}',
  'list.dialogsCursor': 'Список диалогов листается параметром before (дата и время ISO), а не cursor',
  'list.lateNoBefore': 'Список ждущих слишком долго не листается: before только для всех диалогов',

  // Request form (src/commands/requestFields.ts).
  'request.currency.required': 'Выберите валюту платежа',
  'request.currency.unknown': 'Нет такой валюты: выберите из списка',
  'request.country.unknown': 'Нет такой страны: выберите из списка',
  'field.max300': 'Не длиннее 300 символов',
  'field.max100': 'Не длиннее 100 символов',
  'request.purpose.required': 'Укажите назначение платежа',
  'request.purpose.max': 'Назначение платежа: не длиннее 500 символов',
  'request.purpose.gaps': 'Назначение платежа не заполнено до конца: укажите {gaps}.',
  'date.future': 'Дата {which} не может быть в будущем',
  'date.beforeYear': 'Дата {which} не может быть раньше {year} года',
  'date.isoFormat': 'Дата в формате ГГГГ-ММ-ДД',
  'request.payerName.max': 'Наименование плательщика: не длиннее 300 символов',
  'request.comment.max': 'Комментарий: не длиннее 2000 символов',
  'deadline.empty': 'Укажите дату. Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.',
  'deadline.unreadable': 'Не понимаю дату. Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.',
  'deadline.noSuchDate': 'Такой даты нет. Срок оплаты — дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026.',
  'deadline.past': 'Дата {date} уже прошла. Укажите сегодняшнюю или будущую дату.',
  'deadline.tooFar': 'Дата слишком далеко: не позже чем через {years} года.',

  // Requisites (src/core/requisites.ts).
  'inn.checksum': 'ИНН не сходится по контрольной сумме — проверьте цифры',
  'inn.required': 'Укажите ИНН',
  'inn.digits': 'ИНН состоит только из цифр',
  'inn.legalLength': 'ИНН организации — 10 цифр, а введено {count}',
  'inn.individualLength': 'ИНН физического лица или ИП — 12 цифр, а введено {count}',
  'inn.length': 'ИНН — 10 цифр у организации или 12 у ИП и физического лица, а введено {count}',
  'inn.zeros': 'ИНН не может состоять из одних нулей',
  'kpp.required': 'Укажите КПП',
  'kpp.length': 'КПП — 9 символов, а введено {count}',
  'kpp.shape': 'КПП: 4 цифры, 2 цифры или латинские буквы, затем 3 цифры — например 773601001',
  'kpp.individual': 'У ИП и физического лица нет КПП — оставьте поле пустым',
  'kpp.soleProprietor': 'У ИП нет КПП — оставьте поле пустым',
  'kpp.legalRequired': 'Для организации укажите КПП',
  'bic.required': 'Укажите БИК банка',
  'bic.length': 'БИК — 9 цифр, а введено «{value}»',
  'bic.prefix': 'БИК российского банка начинается с 04 — проверьте цифры',
  'bic.payerRequired': 'Укажите БИК банка плательщика',
  'swift.required': 'Укажите SWIFT/BIC банка',
  'swift.beneficiaryRequired': 'Укажите SWIFT/BIC банка получателя',
  'swift.length': 'SWIFT/BIC — 8 или 11 латинских букв и цифр, а введено {count}',
  'swift.shape': 'SWIFT/BIC не похож на настоящий: 4 буквы банка, 2 буквы страны, 2 символа города, например BKCHCNBJ или BKCHCNBJ300',
  'iban.required': 'Укажите IBAN',
  'iban.shape': 'IBAN начинается с кода страны и двух контрольных цифр, например DE89 3704 0044 0532 0130 00',
  'iban.checksum': 'IBAN не сходится: проверьте длину для страны и контрольные цифры',
  'cnaps.required': 'Укажите код CNAPS банка получателя',
  'cnaps.length': 'CNAPS — 12 цифр, а введено «{value}»',
  'cnaps.yuan': 'Для платежа в юанях укажите CNAPS банка получателя',
  'account.required': 'Укажите расчётный счёт',
  'account.length': 'Расчётный счёт — 20 цифр, а введено {count} символов',
  'account.bic': 'Расчётный счёт не сходится с БИК банка — проверьте счёт и БИК',
  'corrAccount.required': 'Укажите корреспондентский счёт',
  'corrAccount.length': 'Корреспондентский счёт — 20 цифр, а введено {count} символов',
  'corrAccount.prefix': 'Корреспондентский счёт начинается с 30101',
  'corrAccount.bic': 'Корреспондентский счёт не сходится с БИК банка — проверьте счёт и БИК',
  'beneficiary.nameMax': 'Наименование получателя — не длиннее 200 символов',
  'beneficiary.nameRequired': 'Укажите получателя',
  'beneficiary.countryShape': 'Страна — двухбуквенный код, выберите из списка',
  'beneficiary.countryRequired': 'Выберите страну получателя',
  'beneficiary.accountRequired': 'Укажите счёт или IBAN получателя',
  'beneficiary.accountShape': 'Счёт получателя — от 5 до 34 латинских букв и цифр',
  'payer.nameRequired': 'Укажите плательщика',
  'ogrn.required': 'Укажите ОГРН',
  'ogrnip.required': 'Укажите ОГРНИП',
  'ogrn.digits': 'ОГРН состоит только из цифр',
  'ogrn.legalLength': 'ОГРН организации — 13 цифр, а введено {count}',
  'ogrnip.length': 'ОГРНИП — 15 цифр, а введено {count}',
  'ogrn.length': 'ОГРН — 13 цифр у организации или 15 у ИП, а введено {count}',
  'ogrn.checksum': 'ОГРН не сходится по контрольной цифре — проверьте цифры',
  'our.fullNameRequired': 'Укажите полное наименование организации',
  'our.addressRequired': 'Укажите юридический адрес',
  'our.bankRequired': 'Укажите название банка',
  'our.directorRequired': 'Укажите руководителя, который подписывает документы',
  'our.textMax': '{field} — не длиннее {max} символов',
  'our.notMarked': 'Наша организация не отмечена: перезапустите Hotline, при запуске она создаётся',

  // Terms and offers (src/core/money.ts parseDecimal, src/core/terms.ts, createOffer, changeTerms, acceptOffer).
  'decimal.empty': '{field} не {_} — введите число, например {example}',
  'decimal.negative': '{field} не {_} быть {_}, например {example}',
  'decimal.positive': '{field} {_} быть положительным числом, например {example}',
  'decimal.integer': '{field} {_} быть целым числом, например {example}',
  'decimal.number': '{field} {_} быть числом, например {example}',
  'decimal.aboveZero': '{field} {_} быть больше нуля, например {example}',
  'decimal.places': '{field}: не больше {places} {_} после запятой, например {example}',
  'decimal.min': '{field} {_} быть не меньше {min}',
  'decimal.max': '{field} {_} быть не больше {max}',
  'decimal.ambiguous': '{field}: «{text}» можно понять двояко — {thousands} или {decimal}. Напишите {a} или {b}.',
  'decimal.exponent': '{field}: число с экспонентой ({text}) не принимается — напишите его цифрами: {plain}',
  'decimal.exponentExample': '{field}: число с экспонентой ({text}) не принимается — напишите число цифрами, например {example}',
  'days.range': 'Срок исполнения должен быть целым числом дней от {min} до {max}, например {example}',
  'days.empty': 'Срок исполнения не указан — введите число дней, например {example}',
  'offer.validUntilPast': 'Срок действия должен быть в будущем',
  'offer.dealStartManagerOnly': 'Выбрать начало сделки в переписке может только менеджер заказчика заявки',
  'offer.noTelegramChat': 'У этой заявки нет переписки в Telegram: начало сделки выбирать не из чего',
  'offer.alreadyAccepted':
    'Предложение по этой заявке уже сохранено и принято, новые значения не применены. Чтобы изменить условия сделки, используйте команды /rate, /fee, /fixed, /days в теме клиента или редактор условий на странице заявки.',
  'offer.organizationCannotOffer': 'Ваша организация не может делать предложения',
  'offer.requestClosed': 'Заявка уже не собирает предложения',
  'offer.acceptCustomerOnly': 'Принять предложение может только заказчик заявки',
  'offer.notActive': 'Это предложение уже не активно',
  'offer.expired': 'Срок действия предложения истёк',
  'deal.messageNotInDialog': 'Сообщение, с которого начать сделку, не из переписки с этим клиентом',
  'deal.noTelegramChat': 'У этой заявки нет переписки в Telegram',
  'deal.chatManagersOnly': 'Переписку с клиентом видят только менеджеры заказчика заявки',
  'terms.customerOnly': 'Изменить условия может только заказчик заявки',
  'terms.notAccepted': 'Условия можно менять только у принятой заявки, а эта — «{status}».',
  'terms.nothingToUndo': 'Отменять нечего: условия ещё не менялись.',
  'terms.unchanged': 'Это значение уже установлено — ничего не изменилось.',
  // The terms editor's refusals (src/core/editCommands.ts, `message`: the bot's reply without the command).
  'terms.purposeTooLong': 'Назначение платежа длиннее {max} символов ({length}) — сократите его.',
  'terms.beneficiaryTooLong': 'Наименование получателя длиннее {max} символов — сократите его.',
  'terms.undoTakesNoValue': 'Отмена последнего изменения не принимает значения',
  'terms.unparsable': 'Не удалось разобрать значение — проверьте его',
  'terms.unknownCommand': 'Неизвестная команда',
  'status.customerOnly': 'Изменить статус может только заказчик заявки',

  // Chat and documents (postRequestMessage, attachRequestDocument, routes/documents.ts).
  'chat.topicCustomerOnly': 'Писать в тему клиента может только заказчик заявки',
  'chat.noTelegram': 'У этой заявки нет переписки в Telegram: сообщение останется на платформе',
  'file.multipart': 'Пришлите файл формой multipart/form-data',
  'file.brokenForm': 'Форма multipart/form-data повреждена: нет границы частей (boundary) или тело оборвано',
  'file.one': 'Пришлите один файл за раз',
  'file.choose': 'Выберите файл',
  'file.tooLarge': 'Файл больше {size} МБ',
  'file.noPreview': 'У этого файла нет превью',
  'file.unreadableImage': 'Изображение не читается — превью не сделать',
  'file.kind': 'Такие файлы не принимаются (.{extension}). Можно: PDF, JPEG, PNG, WebP, DOCX, XLSX, DOC, XLS',
  'file.contentMismatch': 'Содержимое файла не соответствует его типу: имя говорит .{extension}, а внутри {inside}',
  'file.mimeMismatch': 'Заявленный тип {claimed} не соответствует содержимому ({expected})',
  'file.notSaved': 'Файл не сохранился — пришлите его ещё раз',
  'file.notFound': 'Документ не найден',

  // Admin forms (createUser, createOrganization, updateUser, updateOrganization, core/fields.ts).
  'user.emailRequired': 'Укажите e-mail',
  'user.emailShape': 'Это не похоже на e-mail',
  'user.organizationRequired': 'Выберите организацию',
  'user.roleMismatch': 'Роль не подходит организации: менеджеры и администраторы — наши, агенты — у агентов, клиенты — у заказчиков',
  'user.emailTaken': 'Пользователь с таким e-mail уже есть',
  'user.telegramTaken': 'Этот Telegram ID уже у пользователя «{name}»',
  'user.nothingToChange': 'Укажите, что изменить: disabled, password, name или telegramUserId',
  'user.selfDisable': 'Нельзя отключить самого себя',
  'user.passwordNoEmail': 'У пользователя нет e-mail: пароль без e-mail не даёт войти — задать его нельзя',
  'user.passwordMin': 'Пароль: не короче {min} символов',
  'user.passwordMax': 'Пароль: не длиннее {max} символов',
  'user.passwordNul': 'Пароль не может содержать символ NUL',
  'user.nameRequired': 'Укажите имя',
  'user.nameMax': 'Имя: не длиннее {max} символов',
  'organization.nameRequired': 'Укажите название организации',
  'organization.nameMax': 'Название: не длиннее 200 символов',
  'organization.kindRequired': 'Выберите тип организации',
  'organization.ourBoth': 'Наша организация всегда и заказчик, и агент',
  'organization.kindHasCustomers': 'Организация не может стать только агентом: в ней пользователи с ролью «клиент» ({count}) — сначала смените им роль или организацию',
  'organization.kindHasAgents': 'Организация не может стать только заказчиком: в ней пользователи с ролью «агент» ({count}) — сначала смените им роль или организацию',
};

/** code → a Russian phrase that appears inside sentences as a parameter. */
export const MESSAGE_PHRASES: Record<string, string> = {
  'field.amount': 'Сумма',
  'field.amountMin': 'Сумма «от»',
  'field.amountMax': 'Сумма «до»',
  'field.rate': 'Курс',
  'field.feePercent': 'Комиссия',
  'field.fixedFee': 'Фиксированная комиссия',
  'field.days': 'Срок исполнения',
  'field.ourFullName': 'Полное наименование',
  'field.ourAddress': 'Юридический адрес',
  'field.ourBank': 'Название банка',
  'field.ourDirector': 'Руководитель',
  'date.ofContract': 'договора',
  'date.ofInvoice': 'инвойса',
  'gap.contract': 'номер контракта',
  'gap.date': 'дату контракта',
  'gap.invoice': 'номер инвойса',
  'gap.invoiceDate': 'дату инвойса',
  'gap.number': 'номер (после «№»)',
  'gap.dated': 'дату (после «от»)',
  'gap.ellipsis': 'пропуск «…»',
  'status.collecting_offers': 'Сбор предложений',
  'status.accepted': 'Принята',
  'status.completed': 'Завершена',
  'status.cancelled': 'Отменена',
  // The types `form.types` names (src/platform/validationMessages.ts TYPE_WORDS).
  'type.text': 'текст',
  'type.number': 'число',
  'type.int': 'целое число',
  'type.boolean': 'true или false',
  'type.null': 'null',
  'type.list': 'список',
  'type.object': 'объект с полями',
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Templates as anchored patterns, longest first so a specific sentence wins over a general one. */
const PATTERNS = Object.entries(MESSAGE_TEMPLATES)
  .sort(([, a], [, b]) => b.length - a.length)
  .map(([code, template]) => {
    const names: string[] = [];
    const source = template
      .split(/(\{\w+\})/)
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (!name) return escape(part);
        names.push(name);
        return name === '_' ? '[^\\s]+' : '([\\s\\S]+?)';
      })
      .join('');
    return { code, names: names.filter((n) => n !== '_'), pattern: new RegExp(`^${source}$`) };
  });

const PHRASE_CODES = new Map(Object.entries(MESSAGE_PHRASES).map(([code, text]) => [text, code]));

/** A parameter as `@phrase.code` tokens when every part of it is a known phrase. */
function phraseParam(value: string): string {
  const parts = value.split(', ');
  const codes = parts.map((part) => PHRASE_CODES.get(part));
  return codes.every(Boolean) ? codes.map((code) => `@${code}`).join(', ') : value;
}

/**
 * Numbers a sentence writes the Russian way that the English page writes its
 * own way, by code and parameter: `decimal` — the decimal comma becomes a dot
 * («100,00» → «100.00»); `grouped` — also the (no-break) spaces between digit
 * groups become commas («100 000» → «100,000»). The typed `{text}` is shown
 * as typed.
 */
const ENGLISH_NUMBERS: Record<string, Record<string, 'decimal' | 'grouped'>> = {
  'decimal.ambiguous': { thousands: 'grouped', decimal: 'decimal', b: 'decimal' },
  'decimal.exponent': { plain: 'decimal' },
};

/**
 * A parameter as the page gets it: phrases as tokens; an example number,
 * written with the Russian decimal comma in the sentence («например 12,25»),
 * with a dot, as the English page writes it; the numbers of ENGLISH_NUMBERS
 * as an English reader writes them.
 */
function param(code: string, name: string, value: string): string {
  if (name === 'example' && /^\d+,\d+$/.test(value)) return value.replace(',', '.');
  const number = ENGLISH_NUMBERS[code]?.[name];
  if (number && /^\d[\d \u00A0\u202F]*(,\d+)?$/.test(value)) {
    const english = value.replace(',', '.');
    return number === 'grouped' ? english.replace(/[ \u00A0\u202F]/g, ',') : english;
  }
  return phraseParam(value);
}

/** The code of a Russian sentence the server answers with, or undefined when it has none. */
export function messageCode(message: string): MessageCode | undefined {
  for (const { code, names, pattern } of PATTERNS) {
    const match = pattern.exec(message);
    if (!match) continue;
    if (!names.length) return { code };
    return { code, params: Object.fromEntries(names.map((name, i) => [name, param(code, name, match[i + 1]!)])) };
  }
  return undefined;
}
