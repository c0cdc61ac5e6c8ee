// What `coffer` says to the person at the terminal, in English and Dutch (the language from
// --lang, else COFFER_LANG, LC_ALL, LC_MESSAGES or LANG: `nl…` is Dutch, anything else English).
// Only these texts reach stderr and stdout outside --json; the codes in --json are stable and
// never translated. No message carries a file's content, a key, a token or a link secret: the
// file names and links it prints are the user's own, on their own terminal.

import type { BatchListProblem } from '../shared/batch/csv.js';

export type Lang = 'en' | 'nl';

export const en = {
  usage: `Usage: coffer <command> [options]

Commands:
  login ADDRESS [--keyring | --passphrase]
                              connect this computer (ADDRESS from the Security page); its keys
                              are kept under a key in the system keyring if one works, else
                              under a passphrase (--keyring, --passphrase: insist on one)
  logout                      forget the connection on this computer
  send FILE... --to ADDRESS... [--expires DAYS] [--limit N] [--code] [--message TEXT]
  batch --csv LIST.csv [--dir DIR] [--expires DAYS] [--message TEXT] [--remind DAYS]
        [--links LINKS.csv] [--yes]     one share per file and recipient, from the list
  batch --resume BATCH --csv LIST.csv [--dir DIR] [--links LINKS.csv] [--yes]
                              finish a batch that stopped halfway
  pull --to DIR               every new drop and portal upload, into DIR/<client or drop>/
  watch --to DIR [--every S]  pull every S seconds (default 60) until stopped
  sent                        your shares
  received                    shares sent to you
  revoke SHARE                revoke a share now

Options: --json (answers as JSON on stdout, no progress), --lang en|nl, --help
Exit codes: 0 ok, 1 usage, 2 not signed in or device removed, 3 refused (a check failed),
4 network or server error.`,
  unknownCommand: (command: string) => `Unknown command: ${command}. See coffer --help.`,
  badOptions: (detail: string) => `${detail}. See coffer --help.`,
  needsFiles: 'Name at least one file to send',
  needsRecipients: 'Name at least one recipient with --to',
  needsDir: 'Name the folder to pull into with --to',
  needsShare: 'Name the share to revoke',
  badNumber: (option: string) => `--${option} needs a whole number`,
  notReadable: (file: string) => `Cannot read ${file}`,
  notSignedIn: 'This computer is not connected to Coffer yet (no device state in the state folder).',
  loginAddress: 'Give the address the Security page shows (it ends in # and the office fingerprint)',
  passphraseShort: (n: number) => `The passphrase needs at least ${n} characters`,
  loginCode: (code: string, page: string) =>
    `Open ${page}, under "Add a device" type this code: ${code}\nWaiting for your approval…`,
  loginExpired: 'Nobody approved this device in time. Run coffer login again.',
  loginOfficeMismatch:
    'The office key the server names does not have the fingerprint in the address. Nothing was kept. Ask your administrator.',
  loginDone: 'This computer is connected to Coffer.',
  loginKeyring: 'Its keys are sealed under a key kept in the system keyring; no passphrase is needed.',
  loginPassphrase: 'Its keys are sealed under your passphrase (no system keyring was used).',
  keyringUnavailable:
    'No system keyring works here (on Linux: secret-tool and an unlocked Secret Service). Use --passphrase',
  keyringOrPassphrase: 'Use either --keyring or --passphrase, not both',
  keyringMissing: 'The key of this device is not in the keyring. Connect it again with coffer login.',
  keyringNotCleared:
    'The key of this device could not be removed from the system keyring; it opens nothing without device.json.',
  tokenNotSealed:
    'device.json could not be written, so its token stays in the clear there until a command can write it (check the folder’s permissions).',
  loggedOut:
    'This computer forgot its Coffer keys and token. Remove the device on the Security page as well, so its token stops working.',
  badState: 'The device state in the state folder is damaged or from another version.',
  needsPassphrase: 'The device keys are locked: set COFFER_PASSPHRASE or run coffer in a terminal to type it.',
  wrongPassphrase: 'The passphrase does not open the device keys.',
  passphrasePrompt: 'Passphrase for the device keys: ',
  signedOut: 'The server did not accept this device (signed out or expired). Connect it again.',
  deviceRemoved: 'This device was removed from Coffer. Connect it again from the Security page.',
  tokenScope:
    'This device may not do this: it was approved without the scope it needs (send, to send and for batches; pull, to pull). Nothing was sent. Connect it again with that scope.',
  officeKeyChanged:
    'The office key the server names is not the one this device pinned. Nothing was sent or opened. Ask your administrator before you go on.',
  keyRefused: (name: string) => `The key of ${name} changed or is not certified by the office. Nothing was sent.`,
  unapproved: (names: string) => `Not approved yet, cannot receive files: ${names}`,
  verifyFailed: 'A check failed: what the server returned is not what was signed. Nothing was opened.',
  network: 'The server could not be reached. Try again later.',
  server: (code: string) => `The server refused the request (${code}).`,
  uploading: (name: string, percent: number) => `Uploading ${name}: ${percent}%`,
  downloading: (name: string, percent: number) => `Downloading ${name}: ${percent}%`,
  sent: (files: number, recipients: number) =>
    `Sent ${files} file${files === 1 ? '' : 's'} to ${recipients} recipient${recipients === 1 ? '' : 's'}.`,
  linkMailed: (email: string) => `${email}: Coffer mailed the link (give the access code by phone).`,
  linkToPass: (email: string) => `${email}: send this link yourself:`,
  accessCode: (code: string) => `  access code (tell it by phone, never in the same mail): ${code}`,
  standingCode: '  uses the contact’s standing access code',
  accountDelivered: (email: string) => `${email}: in their Coffer account.`,
  needsCsv: 'Name the batch list with --csv',
  resumeKeepsPlan:
    'A resumed batch keeps its expiry, messages and reminder: leave out --expires, --message and --remind',
  batchListProblem: (line: number, problem: BatchListProblem) =>
    `Line ${line} of the list: ${
      {
        empty: 'the list has no rows',
        noFileColumn: 'no column for the file (file, filename, bestand)',
        noAddressColumn: 'no column for the address (email, address, emailadres)',
        unclosedQuote: 'a quote is opened and never closed',
        badAddress: 'not an e-mail address',
        noFileName: 'no file name',
        tooManyRows: 'too many rows for one batch',
      }[problem]
    }`,
  outsideFolder: (line: number, file: string) =>
    `Line ${line} of the list: ${file} is not inside the batch folder (--dir). Nothing was sent.`,
  linksFileExists: (path: string) => `${path} exists already; name a new file for the links (--links).`,
  notWritable: (path: string) => `Cannot write ${path}`,
  batchResume: (batchId: string) => `Finish the batch with: coffer batch --resume ${batchId} --csv <the same list>`,
  batchPreview: (n: number, account: number, mail: number, exported: number) =>
    `Batch of ${n} file${n === 1 ? '' : 's'}: ${account} to Coffer accounts, ${mail} by a link Coffer mails (standing access code), ${exported} by a link for your own mail merge.`,
  batchPreviewItem: (line: number, file: string, to: string, how: string) => `  line ${line}: ${file} → ${to}: ${how}`,
  deliveryAccount: 'in their Coffer account (notified)',
  deliveryMail: 'Coffer mails the link',
  deliveryExport: 'link for your own mail merge',
  flagUnknownAddress: 'unknown address: check it',
  flagDuplicateAddress: 'gets more than one file',
  flagCopiedLink: 'you send this link yourself',
  flagFileTwice: 'BLOCKS: this file is listed for more than one recipient',
  flagNotReady: 'BLOCKS: this account cannot receive files yet (not approved)',
  flagMissingFile: 'BLOCKS: file not found in the batch folder',
  flagSameName: 'BLOCKS: more than one file has this name; write its folder in the list',
  flagAmbiguous: 'BLOCKS: more than one recipient fits',
  batchBlocked: (lines: string) => `The list cannot be sent as it is (lines ${lines}). Nothing was sent.`,
  batchConfirm: (n: number) => `Send ${n} file${n === 1 ? '' : 's'}? [y/N] `,
  batchNeedsYes: 'Not sent: confirm with --yes (there is no terminal to ask). Check the preview above first.',
  batchNotConfirmed: 'Not sent.',
  batchProgress: (done: number, total: number, speed: string) => `Batch: ${done} of ${total} files, ${speed} MiB/s`,
  planMismatch:
    "The server's list of this batch is not the plan this computer sealed (an address or a delivery differs). Nothing was sent. Ask your administrator.",
  resumeMissing: (files: string) =>
    `These files of the batch are not in the list with the same name and size: ${files}`,
  batchNotRunning: 'This batch is finished or cancelled; there is nothing to resume.',
  batchCreated: (batchId: string) => `Batch ${batchId} made; resume it with --resume ${batchId} if it stops.`,
  batchLinksWritten: (n: number, path: string) =>
    `${n} link${n === 1 ? '' : 's'} for your own mail merge written to ${path} (keep it like the files themselves).`,
  batchLinksPrinted: (n: number) => `${n} link${n === 1 ? '' : 's'} for your own mail merge (send each yourself):`,
  batchMailFailed: (email: string) => `${email}: Coffer could not mail the link; resume the batch to try again.`,
  batchItemOpen: 'not delivered yet (resume the batch)',
  batchNoStandingCode: (email: string) =>
    `${email} has no standing access code any more, so Coffer may not mail the link. Nothing more was sent.`,
  batchReport: (delivered: number, total: number) => `${delivered} of ${total} delivered.`,
  batchCsvEmail: 'e-mail',
  batchCsvName: 'name',
  batchCsvFile: 'file',
  batchCsvLink: 'download link',
  pulled: (path: string) => `Saved ${path}`,
  pulledNone: 'Nothing new.',
  pulledCount: (count: number) => `${count} new file${count === 1 ? '' : 's'}.`,
  refusedUpload: (label: string, when: string) =>
    `Refused an upload to ${label} received ${when}: it failed its checks (not made with the drop's link; the server may have injected it). Not saved.`,
  refusedDrop: (title: string) =>
    `Refused the drop "${title}": its signed record or keys do not check out (the server may have changed them). Nothing of it was saved.`,
  revoked: (shareId: string) => `Revoked ${shareId}.`,
  noShares: 'No shares.',
  watching: (dir: string, seconds: number) => `Pulling into ${dir} every ${seconds} s. Stop with Ctrl+C.`,
  watchStopped: 'Stopped.',
} as const;

type Catalog = { readonly [K in keyof typeof en]: (typeof en)[K] extends string ? string : (typeof en)[K] };

export const nl: Catalog = {
  usage: `Gebruik: coffer <opdracht> [opties]

Opdrachten:
  login ADRES [--keyring | --passphrase]
                              verbindt deze computer (ADRES van de pagina Beveiliging); de
                              sleutels worden bewaard onder een sleutel in de sleutelbos van het
                              systeem als die werkt, anders onder een wachtzin (--keyring,
                              --passphrase: alleen die)
  logout                      vergeet de verbinding op deze computer
  send BESTAND... --to ADRES... [--expires DAGEN] [--limit N] [--code] [--message TEKST]
  batch --csv LIJST.csv [--dir MAP] [--expires DAGEN] [--message TEKST] [--remind DAGEN]
        [--links LINKS.csv] [--yes]     één verzending per bestand en ontvanger, volgens de lijst
  batch --resume BATCH --csv LIJST.csv [--dir MAP] [--links LINKS.csv] [--yes]
                              maakt een halverwege gestopte batch af
  pull --to MAP               elke nieuwe upload (drops en klantportaal) naar MAP/<klant of drop>/
  watch --to MAP [--every S]  haalt elke S seconden op (standaard 60) tot u stopt
  sent                        uw verzendingen
  received                    wat naar u is verzonden
  revoke VERZENDING           trekt een verzending nu in

Opties: --json (antwoorden als JSON op stdout, geen voortgang), --lang en|nl, --help
Afsluitcodes: 0 gelukt, 1 verkeerd gebruik, 2 niet aangemeld of apparaat verwijderd,
3 geweigerd (een controle faalde), 4 netwerk- of serverfout.`,
  unknownCommand: (command: string) => `Onbekende opdracht: ${command}. Zie coffer --help.`,
  badOptions: (detail: string) => `${detail}. Zie coffer --help.`,
  needsFiles: 'Noem minstens één bestand om te verzenden',
  needsRecipients: 'Noem minstens één ontvanger met --to',
  needsDir: 'Noem met --to de map waarin opgehaald wordt',
  needsShare: 'Noem de verzending die u wilt intrekken',
  badNumber: (option: string) => `--${option} vraagt een geheel getal`,
  notReadable: (file: string) => `Kan ${file} niet lezen`,
  notSignedIn: 'Deze computer is nog niet met Coffer verbonden (geen apparaatgegevens in de statusmap).',
  loginAddress: 'Geef het adres dat de pagina Beveiliging toont (het eindigt op # en de vingerafdruk van het kantoor)',
  passphraseShort: (n: number) => `De wachtzin moet minstens ${n} tekens hebben`,
  loginCode: (code: string, page: string) =>
    `Open ${page}, typ onder "Apparaat toevoegen" deze code: ${code}\nWacht op uw goedkeuring…`,
  loginExpired: 'Niemand heeft dit apparaat op tijd goedgekeurd. Start coffer login opnieuw.',
  loginOfficeMismatch:
    'De kantoorsleutel die de server noemt heeft niet de vingerafdruk uit het adres. Er is niets bewaard. Vraag uw beheerder.',
  loginDone: 'Deze computer is met Coffer verbonden.',
  loginKeyring:
    'De sleutels zijn versleuteld met een sleutel in de sleutelbos van het systeem; er is geen wachtzin nodig.',
  loginPassphrase: 'De sleutels zijn versleuteld met uw wachtzin (de sleutelbos van het systeem is niet gebruikt).',
  keyringUnavailable:
    'Hier werkt geen sleutelbos van het systeem (op Linux: secret-tool en een ontgrendelde Secret Service). Gebruik --passphrase',
  keyringOrPassphrase: 'Gebruik --keyring of --passphrase, niet allebei',
  keyringMissing: 'De sleutel van dit apparaat staat niet in de sleutelbos. Verbind het opnieuw met coffer login.',
  keyringNotCleared:
    'De sleutel van dit apparaat kon niet uit de sleutelbos van het systeem worden verwijderd; zonder device.json opent die niets.',
  tokenNotSealed:
    'device.json kon niet worden geschreven, dus het token staat daar nog onversleuteld tot een opdracht het wel kan schrijven (controleer de rechten van de map).',
  loggedOut:
    'Deze computer is zijn Coffer-sleutels en token vergeten. Verwijder het apparaat ook op de pagina Beveiliging, zodat het token niet meer werkt.',
  badState: 'De apparaatgegevens in de statusmap zijn beschadigd of van een andere versie.',
  needsPassphrase:
    'De sleutels van dit apparaat zijn vergrendeld: zet COFFER_PASSPHRASE of start coffer in een terminal om de wachtzin te typen.',
  wrongPassphrase: 'Met deze wachtzin gaan de sleutels van dit apparaat niet open.',
  passphrasePrompt: 'Wachtzin voor de apparaatsleutels: ',
  signedOut: 'De server accepteert dit apparaat niet (afgemeld of verlopen). Verbind het opnieuw.',
  deviceRemoved: 'Dit apparaat is uit Coffer verwijderd. Verbind het opnieuw via de pagina Beveiliging.',
  tokenScope:
    'Dit apparaat mag dit niet: het is goedgekeurd zonder de bevoegdheid die nodig is (send, voor verzenden en batches; pull, voor ophalen). Er is niets verzonden. Verbind het opnieuw met die bevoegdheid.',
  officeKeyChanged:
    'De kantoorsleutel die de server noemt is niet de sleutel die dit apparaat vastlegde. Er is niets verzonden of geopend. Vraag uw beheerder voordat u verdergaat.',
  keyRefused: (name: string) =>
    `De sleutel van ${name} is gewijzigd of niet door het kantoor gecertificeerd. Er is niets verzonden.`,
  unapproved: (names: string) => `Nog niet goedgekeurd, kan geen bestanden ontvangen: ${names}`,
  verifyFailed: 'Een controle faalde: wat de server terugstuurde is niet wat ondertekend is. Er is niets geopend.',
  network: 'De server is niet bereikbaar. Probeer het later opnieuw.',
  server: (code: string) => `De server weigerde het verzoek (${code}).`,
  uploading: (name: string, percent: number) => `${name} uploaden: ${percent}%`,
  downloading: (name: string, percent: number) => `${name} downloaden: ${percent}%`,
  sent: (files: number, recipients: number) =>
    `${files} ${files === 1 ? 'bestand' : 'bestanden'} verzonden naar ${recipients} ${recipients === 1 ? 'ontvanger' : 'ontvangers'}.`,
  linkMailed: (email: string) => `${email}: Coffer heeft de link gemaild (geef de toegangscode telefonisch door).`,
  linkToPass: (email: string) => `${email}: stuur deze link zelf door:`,
  accessCode: (code: string) => `  toegangscode (telefonisch doorgeven, nooit in dezelfde mail): ${code}`,
  standingCode: '  gebruikt de vaste toegangscode van het contact',
  accountDelivered: (email: string) => `${email}: in hun Coffer-account.`,
  needsCsv: 'Noem de batchlijst met --csv',
  resumeKeepsPlan:
    'Een hervatte batch houdt zijn vervaldatum, berichten en herinnering: laat --expires, --message en --remind weg',
  batchListProblem: (line: number, problem: BatchListProblem) =>
    `Regel ${line} van de lijst: ${
      {
        empty: 'de lijst heeft geen regels',
        noFileColumn: 'geen kolom voor het bestand (bestand, bestandsnaam, file)',
        noAddressColumn: 'geen kolom voor het adres (emailadres, adres, email)',
        unclosedQuote: 'een aanhalingsteken wordt geopend en nooit gesloten',
        badAddress: 'geen e-mailadres',
        noFileName: 'geen bestandsnaam',
        tooManyRows: 'te veel regels voor één batch',
      }[problem]
    }`,
  outsideFolder: (line: number, file: string) =>
    `Regel ${line} van de lijst: ${file} staat niet in de batchmap (--dir). Er is niets verzonden.`,
  linksFileExists: (path: string) => `${path} bestaat al; noem een nieuw bestand voor de links (--links).`,
  notWritable: (path: string) => `Kan ${path} niet schrijven`,
  batchResume: (batchId: string) => `Maak de batch af met: coffer batch --resume ${batchId} --csv <dezelfde lijst>`,
  batchPreview: (n: number, account: number, mail: number, exported: number) =>
    `Batch van ${n} ${n === 1 ? 'bestand' : 'bestanden'}: ${account} naar Coffer-accounts, ${mail} via een link die Coffer mailt (vaste toegangscode), ${exported} via een link voor uw eigen mailing.`,
  batchPreviewItem: (line: number, file: string, to: string, how: string) => `  regel ${line}: ${file} → ${to}: ${how}`,
  deliveryAccount: 'in hun Coffer-account (met bericht)',
  deliveryMail: 'Coffer mailt de link',
  deliveryExport: 'link voor uw eigen mailing',
  flagUnknownAddress: 'onbekend adres: controleer het',
  flagDuplicateAddress: 'krijgt meer dan één bestand',
  flagCopiedLink: 'deze link verstuurt u zelf',
  flagFileTwice: 'BLOKKEERT: dit bestand staat bij meer dan één ontvanger',
  flagNotReady: 'BLOKKEERT: dit account kan nog geen bestanden ontvangen (niet goedgekeurd)',
  flagMissingFile: 'BLOKKEERT: bestand niet gevonden in de batchmap',
  flagSameName: 'BLOKKEERT: meer dan één bestand heeft deze naam; zet de map erbij in de lijst',
  flagAmbiguous: 'BLOKKEERT: meer dan één ontvanger past',
  batchBlocked: (lines: string) => `De lijst kan zo niet verzonden worden (regels ${lines}). Er is niets verzonden.`,
  batchConfirm: (n: number) => `${n} ${n === 1 ? 'bestand' : 'bestanden'} verzenden? [j/N] `,
  batchNeedsYes:
    'Niet verzonden: bevestig met --yes (er is geen terminal om het te vragen). Controleer eerst het overzicht hierboven.',
  batchNotConfirmed: 'Niet verzonden.',
  batchProgress: (done: number, total: number, speed: string) =>
    `Batch: ${done} van ${total} bestanden, ${speed} MiB/s`,
  planMismatch:
    'De lijst van deze batch op de server is niet het plan dat deze computer verzegelde (een adres of bezorging wijkt af). Er is niets verzonden. Vraag uw beheerder.',
  resumeMissing: (files: string) =>
    `Deze bestanden van de batch staan niet met dezelfde naam en grootte in de lijst: ${files}`,
  batchNotRunning: 'Deze batch is klaar of geannuleerd; er is niets te hervatten.',
  batchCreated: (batchId: string) => `Batch ${batchId} gemaakt; hervat hem met --resume ${batchId} als hij stopt.`,
  batchLinksWritten: (n: number, path: string) =>
    `${n} ${n === 1 ? 'link' : 'links'} voor uw eigen mailing opgeslagen in ${path} (bewaar het zoals de bestanden zelf).`,
  batchLinksPrinted: (n: number) =>
    `${n} ${n === 1 ? 'link' : 'links'} voor uw eigen mailing (verstuur elke link zelf):`,
  batchMailFailed: (email: string) =>
    `${email}: Coffer kon de link niet mailen; hervat de batch om het opnieuw te proberen.`,
  batchItemOpen: 'nog niet bezorgd (hervat de batch)',
  batchNoStandingCode: (email: string) =>
    `${email} heeft geen vaste toegangscode meer, dus Coffer mag de link niet mailen. Er is niets meer verzonden.`,
  batchReport: (delivered: number, total: number) => `${delivered} van ${total} bezorgd.`,
  batchCsvEmail: 'e-mailadres',
  batchCsvName: 'naam',
  batchCsvFile: 'bestand',
  batchCsvLink: 'downloadlink',
  pulled: (path: string) => `Opgeslagen: ${path}`,
  pulledNone: 'Niets nieuws.',
  pulledCount: (count: number) => `${count} ${count === 1 ? 'nieuw bestand' : 'nieuwe bestanden'}.`,
  refusedUpload: (label: string, when: string) =>
    `Upload naar ${label} van ${when} geweigerd: de controles faalden (niet met de link van de drop gemaakt; mogelijk door de server toegevoegd). Niet opgeslagen.`,
  refusedDrop: (title: string) =>
    `Drop "${title}" geweigerd: het ondertekende record of de sleutels kloppen niet (mogelijk door de server gewijzigd). Er is niets van opgeslagen.`,
  revoked: (shareId: string) => `${shareId} ingetrokken.`,
  noShares: 'Geen verzendingen.',
  watching: (dir: string, seconds: number) => `Haalt elke ${seconds} s op naar ${dir}. Stop met Ctrl+C.`,
  watchStopped: 'Gestopt.',
};

export type Messages = Catalog;

/** The language: --lang wins, then COFFER_LANG and the usual locale variables. */
export function pickLang(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Lang {
  const choice = flag ?? env['COFFER_LANG'] ?? env['LC_ALL'] ?? env['LC_MESSAGES'] ?? env['LANG'] ?? '';
  return choice.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

export function messagesFor(lang: Lang): Messages {
  return lang === 'nl' ? nl : en;
}
