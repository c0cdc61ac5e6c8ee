// Dutch messages, in the polite "u" form Dutch offices use with their clients.
// Typed as `Messages`: a missing or extra key does not compile.
import type { Messages } from './en';

export const nl: Messages = {
  'app.name': 'Coffer',
  'app.tagline': 'Veilig documenten uitwisselen',
  'skip.toMain': 'Direct naar de inhoud',
  'lang.switch': 'Taal',
  'lang.nl': 'Nederlands',
  'lang.en': 'English',
  'nav.home': 'Startpagina van Coffer',
  'footer.text': 'Coffer · end-to-end versleutelde documentuitwisseling, gehost door uw kantoor',

  'home.title': 'Veilig documenten uitwisselen met uw klanten',
  'home.intro':
    'Coffer is de end-to-end versleutelde documentuitwisseling van uw kantoor. Bestanden worden in uw browser versleuteld voordat ze worden geüpload, zodat de server nooit de inhoud of de bestandsnamen te zien krijgt.',
  'home.engine.heading': 'Deze browser',

  'engine.loading': 'Versleuteling wordt gestart…',
  'engine.ready': 'Versleuteling gereed (libsodium {version})',
  'engine.failed':
    'Versleuteling kan in deze browser niet starten. Gebruik een recente versie van Firefox, Chrome, Edge of Safari.',

  'setup.title': 'Coffer inrichten',
  'setup.checking': 'De installatielink wordt gecontroleerd…',
  'setup.valid':
    'Deze installatielink is geldig tot {expiresAt}. Het aanmaken van de eerste beheerder volgt in de volgende versie.',
  'setup.invalid':
    'Deze installatielink is ongeldig of verlopen. Vraag degene die Coffer beheert om een nieuwe link ({command}).',
  'setup.unavailable':
    'De installatielink kon op dit moment niet worden gecontroleerd. Controleer uw internetverbinding en probeer het opnieuw.',
  'setup.retry': 'Opnieuw proberen',

  'notFound.title': 'Pagina niet gevonden',
  'notFound.text': 'Op dit adres staat geen pagina. Controleer de link of ga naar de startpagina.',
  'notFound.home': 'Naar de startpagina',
};
