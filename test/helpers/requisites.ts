/** Our organization's requisites for tests: valid (checksums included), typed the way a person would, with spaces in the codes. */
export const OUR_REQUISITES = {
  fullName: 'Общество с ограниченной ответственностью «Платёжный агент»',
  inn: '7728 168 971',
  kpp: '772801001',
  ogrn: '1027739642281',
  address: '117997, г. Москва, ул. Вавилова, д. 19',
  bank: 'ПАО Сбербанк',
  bic: '044525225',
  corrAccount: '30101 810 4 0000 0000225',
  account: '40702 810 9 3800 0000001',
  director: 'Иванов Иван Иванович',
};

/** The same as stored: codes without spaces. */
export const OUR_REQUISITES_STORED = {
  ...OUR_REQUISITES,
  inn: '7728168971',
  corrAccount: '30101810400000000225',
  account: '40702810938000000001',
};
