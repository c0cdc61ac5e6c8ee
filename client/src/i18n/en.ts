// English messages. The keys of this catalog are the keys of every catalog: nl.ts is typed
// against them, so a message missing in one language does not compile.
// `{name}` marks a value filled in by t(); see ./index.ts.
export const en = {
  'app.name': 'Coffer',
  'app.tagline': 'Secure document exchange',
  'skip.toMain': 'Skip to main content',
  'lang.switch': 'Language',
  'lang.nl': 'Nederlands',
  'lang.en': 'English',
  'nav.home': 'Coffer home page',
  'footer.text': 'Coffer · end-to-end encrypted document exchange, hosted by your office',

  'home.title': 'Securely exchange documents with your clients',
  'home.intro':
    'Coffer is your office’s end-to-end encrypted document exchange. Files are encrypted in your browser before they are uploaded, so the server never sees their contents or their names.',
  'home.engine.heading': 'This browser',

  'engine.loading': 'Starting encryption…',
  'engine.ready': 'Encryption ready (libsodium {version})',
  'engine.failed':
    'Encryption could not start in this browser. Please use an up-to-date version of Firefox, Chrome, Edge or Safari.',

  'setup.title': 'Set up Coffer',
  'setup.checking': 'Checking the setup link…',
  'setup.valid':
    'This setup link is valid until {expiresAt}. Creating the first administrator comes with the next release.',
  'setup.invalid':
    'This setup link is invalid or has expired. Ask whoever runs Coffer for a new one ({command}).',
  'setup.unavailable':
    'The setup link could not be checked right now. Check your connection and try again.',
  'setup.retry': 'Try again',

  'notFound.title': 'Page not found',
  'notFound.text': 'There is no page at this address. Check the link, or go to the home page.',
  'notFound.home': 'Go to the home page',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
