# Poplar's words in English. Every key here has a twin in ja.ftl (a test checks it).
# Arguments: $name, $account … are filled in by the program; numbers choose plural forms.

app-name = Poplar
app-title-unread = Poplar ({ $count } unread)

## Shared buttons
button-save = Save
button-cancel = Cancel
button-close = Close

## The damaged-database screen
damaged-title = Poplar cannot read your mail database
damaged-detail = The file is damaged: { $detail }
damaged-nothing-changed = Nothing has been changed or deleted. The damaged file stays where it is, so that nothing in it is lost.
damaged-newest-backup = The newest backup is from { $date }.
damaged-restore-latest = Restore the latest backup
damaged-kept-beside = The damaged file is kept beside the restored one.
damaged-no-backup = No backup was found. If you have one, restore it with: poplar restore FILE

## Toolbar
toolbar-get-mail = Get mail
toolbar-getting-mail = Getting mail…
toolbar-stop = Stop
toolbar-add-account = Add account
toolbar-import-export = Import/Export
toolbar-backups = Backups
toolbar-preferences = Preferences
toolbar-search = Search (Ctrl+F)
toolbar-search-all = All mail

## Sidebar
folder-all-inboxes = All inboxes
folder-inbox = Inbox
folder-trash = Trash
folder-name = Folder name
folder-new = New folder
folder-rename = Rename
folder-delete = Delete
account-edit = Edit
account-remove = Remove

## Message list
list-load-error = Could not read the mail database: { $error }
list-empty = No messages here. Press "Get mail" to check for new mail.
list-nothing-found = Nothing found.
welcome-title = Welcome to Poplar
welcome-text = Add your mail account to start.
column-from = From
column-subject = Subject
column-date = Date
column-size = Size
list-no-subject = (no subject)
list-flagged = Flagged
list-attachment = Has attachments
list-partial = Only the headers are downloaded

## Reading pane
reader-select = Select a message to read it.
reader-opening = Opening…
reader-failed = This message could not be opened: { $error }
header-from = From
header-to = To
header-cc = Cc
header-date = Date
header-attached = Attached
header-links = Links
header-subject = Subject
reply-wrote = On { $date }, { $name } wrote:
forward-title = -------- Forwarded message --------
attachment-save = Save…
attachment-open = Open
attachment-open-anyway = Open anyway
attachment-warning = “{ $name }” is { $kind } ({ $evidence }). Opening it could run it and harm this computer. Save it instead, or open it only if you trust the sender and expected this file.
danger-kind-windows-program = a Windows program
danger-kind-script = a script
danger-kind-shortcut = a shortcut that starts a program
danger-kind-installer = an installer
danger-kind-java-program = a Java program
danger-kind-mac-program = a macOS program
danger-kind-linux-program = a Linux program
danger-kind-disk-image = a disk image
danger-by-extension = its name ends in .{ $extension }
danger-by-extension-posing = its name ends in .{ $extension }, not .{ $shown }
danger-by-contents = judged by its contents, whatever its name says
danger-declared = the message declares it as { $mime }
action-restore = Restore
action-delete-for-good = Delete for good
action-flag = Flag
action-unflag = Unflag
action-mark-unread = Mark unread
action-view-message = View message
action-view-source = View source
action-save-eml = Save as .eml…
action-delete = Delete
action-move-to = Move to…
link-confirm = Open { $link } in your browser?
link-open = Open
partial-note = Only the headers of this message were downloaded ({ $size } on the server).
partial-download-rest = Download the rest

## Status bar
status-count = { $count ->
    [one] 1 message
   *[other] { $count } messages
}
backup-off = Backups are off
backup-none-yet = No backup yet
backup-just-now = Backed up just now
backup-minutes-ago = Backed up { $minutes } min ago
backup-hours-ago = Backed up { $hours } h ago
backup-days-ago = { $days ->
    [one] Last backup 1 day ago
   *[other] Last backup { $days } days ago
}

## Password prompt
password-title = Password for { $account }
password-why = Poplar needs it to get your mail: { $reason }.
password-placeholder = Password
password-where = It is stored in the system keyring if there is one; otherwise it is kept only until Poplar closes.
password-not-now = Not now

## Removing an account
remove-title = Remove the account { $name }?
remove-text = Its settings and its password go. Its mail can stay here, readable as before, or be deleted from this computer too. Nothing changes on the server.
remove-delete-mail = Delete its mail too
remove-keep-mail = Keep its mail

## Status messages
status-link-failed = The link could not be opened: { $error }
status-saved-as = Saved as { $path }.
status-attachment-not-saved = The attachment could not be saved: { $error }
status-attachment-not-opened = The attachment could not be opened: { $error }
status-message-not-saved = The message could not be saved: { $error }
status-stopping = Stopping…
status-folder-needs-name = A folder needs a name.
status-moved-to = Moved to { $folder }.
status-account-not-removed = { $account } could not be removed: { $error }
status-restoring = Restoring the latest backup…
status-restored = Restored from the backup.
status-restored-kept = Restored from the backup. The database it replaced is kept as { $path }.
status-restore-failed = The backup could not be restored; nothing was changed: { $error }
status-downloading-rest = { $account }: downloading the rest of the message…
status-no-worker = The mail worker is not running; restart Poplar.
status-add-account-first = Add an account first.
status-checking = Checking for new mail…
status-connecting = { $account }: connecting…
status-no-new = { $account }: no new messages
status-progress = { $account }: { $done } of { $total } new messages ({ $kb } KB)
status-finished = { $account }: { $new } new, { $deleted } deleted on server, { $kept } kept on server
status-skipped = , { $count } could not be downloaded (will retry)
status-failed-will-retry = { $account }: { $error } Poplar will try again at the next check.
status-stopped = { $account }: stopped. Everything downloaded so far is kept.
status-completed = { $account }: the whole message is downloaded.
status-backed-up = Backed up to { $path }.
status-backup-failed = The backup failed: { $error }
status-account-saved = Saved the settings of { $name }.
status-account-added = Added { $name }.
notice-no-keyring = No system keyring: the password for { $account } is kept only until Poplar closes.
notify-new-mail = { $count ->
    [one] { $account }: 1 new message
   *[other] { $account }: { $count } new messages
}
dialog-save-attachment = Save the attachment
dialog-save-message = Save the message
attachment-gone = this attachment is no longer in the message

## Errors (the program fills in the facts)
error-store = the mail database failed: { $detail }
error-fetch-lock = could not take the fetch lock in the data folder: { $detail }
error-spool = could not keep a downloaded message on the disk ({ $detail }); nothing was deleted on the server
error-interrupted-panicked = the work stopped because of a fault in Poplar
error-interrupted-cancelled = the work was cancelled before it finished
error-no-uidl-for-keep = { $host } does not support UIDL, so Poplar cannot tell which messages it already has; choose "delete after download" for this account
error-busy = { $account } is already being fetched by another Poplar window or command; skipped
error-gone-from-server = the rest of this message is no longer on the server
error-no-password = no password is stored for the account "{ $account }"
error-no-keyring = the system keyring is not available, so Poplar cannot remember passwords here
certificate-described = issued to { $subject }, by { $issuer }, valid from { $from } to { $until }, SHA-256 fingerprint { $fingerprint }
error-resolve = could not find the server "{ $host }": { $detail }. Check the server name.
resolve-no-addresses = the name has no addresses
error-refused = the server { $host } refused the connection on port { $port }. Check the server name, the port and the security setting.
error-connect = could not connect to { $host } on port { $port }: { $detail }
step-connecting = connecting
step-greeting = waiting for the greeting
step-capabilities = asking what the server supports
step-starting-tls = starting TLS
step-logging-in = logging in
step-counting = counting messages
step-listing-ids = listing unique ids
step-listing = receiving a listing
step-receiving-message = receiving a message
step-receiving-headers = receiving headers
step-deleting = deleting a message
step-checking = checking the connection
step-closing = closing the session
step-sending-command = sending a command
error-timeout = { $host } did not answer within { $secs ->
    [one] 1 second
   *[other] { $secs } seconds
} ({ $doing }). The server or the network may be down; try again later.
error-tls = the secure connection to { $host } failed: { $detail }
error-tls-not-trusted = the secure connection to { $host } failed: the server's certificate is not trusted ({ $detail }). If your provider uses its own certificate authority, name its certificate file in the account settings.
error-tls-not-tls = the secure connection to { $host } failed: the server did not answer in TLS ({ $detail }). Check that the port matches the security setting: SSL/TLS and STARTTLS use different ports (for receiving mail usually 995 and 110, for sending 465 and 587).
error-untrusted = the certificate of { $host } is not trusted: { $detail }. If you know this is your provider's server, trust this certificate for the account.
error-certificate-changed = the certificate of { $host } is not the one you chose to trust (expected { $expected }, found { $found }). Someone may be intercepting the connection; nothing was sent.
error-no-starttls = { $host } does not offer STARTTLS, which this account requires; nothing was sent in plaintext. Choose SSL/TLS, or ask your provider.
error-login-failed = login failed for { $user } at { $host }: { $server }. Check the user name and password.
error-try-later = { $host } is busy and asks to try again later: { $server }
error-server-refused = { $host } refused the session: { $server }
error-command = { $host } answered { $command } with an error: { $server }
error-no-uidl = { $host } does not support UIDL, which keeping mail on the server needs
error-protocol = { $host } sent an answer Poplar cannot understand: { $detail }
malformed-data-before-tls = data arrived after the answer to STLS, before encryption started
malformed-endless-login = the login exchange did not end after it was cancelled
malformed-not-status = "{ $line }" is not a POP3 status line
malformed-stat = STAT answer "{ $text }"
malformed-uidl-line = UIDL line "{ $line }"
malformed-list-line = LIST line "{ $line }"
malformed-listing-too-long = a listing of more than { $lines } lines or { $megabytes } MB
error-line-too-long = { $host } sent a line longer than { $max } bytes; the session was ended
error-too-slow = { $host } sent its answer too slowly (less than { $bytes } bytes in { $secs } seconds); the session was ended. Try again later.
error-restore-while-fetching = Mail is being fetched into this data folder; restore when the fetch has finished. Nothing was changed.
error-restore-failed = The backup could not be restored ({ $detail }). The database as it was before is kept at { $kept }.
error-crashed = The check stopped because of a fault in Poplar. Mail already stored here is kept, and nothing was deleted on the server; Get mail tries again.
error-account-gone = The account was removed, so there is nothing to fetch for it.
error-account-busy = Mail is being fetched for this account; ask again when it is done.
error-restoring = A backup is being restored into this data folder; fetch again when it is done.
error-closed = { $host } closed the connection unexpectedly
error-io = network error talking to { $host }: { $detail }
error-store-open = could not open the mail database { $path }: { $detail }
error-store-damaged = the mail database { $path } is damaged ({ $detail }). Nothing was changed or deleted; restore a backup (Backups in the window, or poplar restore FILE)
error-store-too-new = the mail database was written by a newer version of Poplar (schema { $found }, this version knows { $known }); update Poplar to open it
error-no-such-account = there is no account named "{ $name }"
error-no-such-message = there is no message with id { $id }
error-folder-exists = a folder named "{ $name }" already exists
error-store-corrupt = the mail database holds a value Poplar cannot read: { $detail }
error-store-outdated = the mail database is at schema { $found } and needs updating to schema { $known } before it can be opened; start Poplar again to update it
error-store-broken-references = updating the mail database to schema { $schema } left { $count } broken references; nothing was changed
error-message-of-no-account = message { $id } belongs to no account (it was imported, or its account was removed)
error-disk-read = could not read a stored message: { $detail }
error-disk-copy = could not copy a stored message: { $detail }
upgrading-database = Updating the mail database…
upgrading-database-explained = This happens once after Poplar is updated. Your mail is safe; please wait.
error-too-large = a message of { $bytes } bytes is larger than Poplar can store
error-disk = could not write a message to the disk: { $detail }
error-backup-folder = could not write to the backup folder { $path }: { $detail }
error-backup = the backup could not be made: { $detail }
error-bad-snapshot = { $path } is not a usable Poplar backup: { $detail }
error-folder-lock = could not take the data folder's lock: { $detail }
error-set-aside = could not move the database aside: { $detail }
backup-not-poplar = it holds no Poplar mail database
damage-unreadable = SQLite cannot read it: { $detail }
damage-integrity = SQLite's integrity check failed: { $report }
error-file-exists = { $path } already exists; choose another name, Poplar never overwrites
error-write = could not write { $path }: { $detail }
error-read = could not read { $path }: { $detail }
error-accounts-file = { $path } is not a Poplar accounts file: { $detail }
error-accounts-file-entry = account "{ $name }" in { $path }: { $detail }
error-accounts-file-weakened = { $path } asks for weaker security, so nothing was imported.
error-no-home = could not find a home folder to keep mail in; start Poplar with --data-dir DIR
error-create-folder = could not create the data folder { $path }: { $detail }
error-ca-file = could not read the CA certificate file { $path }: { $detail }

## Import and export
transfer-title = Import and export
transfer-export = Export
transfer-import = Import
transfer-default-folder = Imported
transfer-name-folder = Name the folder to import into.
transfer-exported = { $count ->
    [one] Exported 1 message.
   *[other] Exported { $count } messages.
}
transfer-imported = Imported { $count } messages into "{ $folder }"; { $duplicates } were already here and were skipped.
transfer-export-what = Export "{ $folder }", byte for byte:
transfer-as-mbox = As an mbox file…
transfer-as-eml = As .eml files…
transfer-import-what = Import mail from Thunderbird, Becky!, Sylpheed and others into a local folder:
transfer-folder = Folder
transfer-from-mbox = An mbox file…
transfer-from-eml = A folder of .eml files…
transfer-progress = { $done } of { $total } messages…
transfer-accounts-what = Account settings, to set up other computers the same way (passwords are never written):
transfer-accounts-export = Export account settings…
transfer-accounts-import = Import account settings…
transfer-accounts-exported = { $count ->
    [one] Wrote the settings of 1 account.
   *[other] Wrote the settings of { $count } accounts.
}
transfer-accounts-imported = { $count ->
    [0] No account was added.
    [one] Added 1 account; Poplar asks for its password when it first gets mail.
   *[other] Added { $count } accounts; Poplar asks for their passwords when it first gets mail.
}
transfer-accounts-skipped = Already here, left as they are: { $names }.
transfer-read = { $done } messages read…
transfer-accounts-import-title = Import account settings
transfer-accounts-from = From the file { $file }
transfer-accounts-would-add = These accounts would be added:
transfer-accounts-entry = { $name }: { $user } at { $host }, port { $port }, { $security }
transfer-accounts-none-new = Every account in this file is already here.
transfer-accounts-would-skip = Already here, left as they are: { $names }.
transfer-accounts-weaker-plain = { $name } uses no encryption: the password and the mail cross the network readable by anyone on the way.
transfer-accounts-weaker-plain-mail = { $name } uses no encryption: the mail crosses the network readable by anyone on the way.
transfer-accounts-weaker-pinned = { $name } trusts exactly the certificate with SHA-256 fingerprint { $fingerprint } instead of verifying the server's certificate.
transfer-accounts-weaker-plain-sending = { $name } sends without encryption: the password and the mail sent cross the network readable by anyone on the way.
transfer-accounts-weaker-plain-sending-mail = { $name } sends without encryption: the mail sent crosses the network readable by anyone on the way.
transfer-accounts-accept-weaker = I understand: add these accounts with weaker security
transfer-accounts-add = { $count ->
    [one] Add 1 account
   *[other] Add { $count } accounts
}
transfer-accounts-cancelled = Nothing was imported.

## Backups
backups-choose-title = Choose a folder for backups
backups-choose-first = Choose a folder for the backups first.
backups-keep-one = Keep at least one backup.
backups-saved = Saved. A backup is made every day while Poplar runs.
backups-backing-up = Backing up…
backups-restored = Restored.
backups-nothing-changed = Nothing was changed: { $error }
backups-last = Last backup: { $date }
backups-none = No backup has been made yet.
backups-why = With POP3, the mail on this computer is often the only copy. Keep backups on another disk, a USB stick or a synced folder.
backups-folder-placeholder = Choose a folder on another disk
backups-choose = Choose…
backups-keep = Keep
backups-newest-first = backups, newest first
backups-now = Back up now
backups-confirm-restore = Replace all mail here with the backup { $name }? The current mail database is kept aside, not deleted.
backups-empty-folder = No backups in this folder yet.

## The account dialog
account-dialog-add = Add account
account-dialog-edit = Edit account
account-add = Add
account-saving = Saving…
account-name-taken = An account named "{ $name }" already exists; choose another account name.
field-email = Email address
field-name = Account name
field-server = Incoming server
field-security = Security
field-port = Port
field-login = Login method
field-user = User name
field-password = Password
field-server-copies = Server copies
field-days = Days to keep
field-size-limit = Larger than
field-minutes = Minutes
field-smtp-server = Outgoing server
field-smtp-port = Outgoing port
field-smtp-user = Outgoing user name
account-page-receiving = Receiving
account-page-sending = Sending
field-smtp-security = Outgoing security
sending = Send mail from this account
sending-explained = Its outgoing (SMTP) server, for writing, replying and forwarding.
smtp-login-none = No login
smtp-login-pop-before-smtp = POP before SMTP
smtp-login-pop-before-smtp-explained = Logs in to the incoming server first, with its password; the provider then takes mail without an SMTP login.
smtp-password-explained = Uses the incoming server's password.
placeholder-as-incoming = Same as incoming
smtp-jis = ISO-2022-JP for older Japanese mailers
notice-outgoing-not-stored = The outgoing password of "{ $account }" was not stored: { $error }
field-signature = Signature
signature-explained = Put under each message you write from this account, after a "-- " line.
smtp-own-password = Use a separate password for sending
smtp-own-password-explained = The outgoing server has a password of its own, kept in the system keyring beside the incoming one.
field-smtp-password = Outgoing password
invalid-smtp-password = Type the outgoing server's password, or use the incoming one.
field-sign-in = Sign-in
invalid-sign-in-mismatch = Signing in with Microsoft, Google or your own issuer goes with the login method "OAuth2", and only with it.
invalid-sign-in-issuer-missing = Type the issuer's address (https://…).
invalid-sign-in-issuer = The issuer's address must begin with https:// (http:// only for this computer).
invalid-sign-in-client-id = Type the app's client id, as the issuer registered it.
invalid-smtp-sign-in = An account that signs in (OAuth2) sends with the login "OAuth2", or with an outgoing password of its own; only such an account can send with "OAuth2".
invalid-not-signed-in = Sign in before adding the account.
invalid-sign-in-unencrypted = A sign-in goes only over an encrypted connection: choose SSL/TLS or STARTTLS.
login-oauth2 = Sign in (OAuth2)
login-oauth2-explained = You sign in at your provider's page in the browser; Poplar keeps no password, only the sign-in, in the system keyring.
field-issuer = Issuer
field-client-id = Client id
sign-in-microsoft = Microsoft (Outlook.com, Hotmail, Microsoft 365)
sign-in-google = Google (Gmail, Google Workspace)
sign-in-custom = My organisation's own issuer
sign-in-button = Sign in…
sign-in-again-button = Sign in again…
sign-in-kept = The sign-in stays as it is unless you sign in again.
sign-in-waiting = Waiting for you to sign in in your browser…
sign-in-done = Signed in. Add the account to keep the sign-in.
sign-in-failed = The sign-in did not work: { $detail }
sign-in-not-configured = Sign-in with { $provider } is not configured in this build of Poplar. A build whose packager registered it can sign in.
sign-in-not-configured-google = Sign-in with Google is not configured in this build of Poplar. Use an app password instead (it needs 2-Step Verification): choose the login "Automatic" and type the app password. https://support.google.com/accounts/answer/185833
sign-in-page-done = You are signed in. You can close this page and go back to Poplar.
sign-in-page-failed = The sign-in did not finish. Go back to Poplar to try again.
error-sign-in-again = Sign in again: open the account's settings and choose "Sign in again…".
error-sign-in-issuer = The sign-in service could not renew the sign-in ({ $detail }).
test-sending-ok = Sending: connected and logged in to { $host } ({ $security }).
test-sending-size = It takes messages up to { $megabytes } MB.
test-sending-failed = Sending: { $error }
smtp-jis-explained = Subject and text in JIS where every character has a JIS code, in UTF-8 otherwise.
placeholder-as-email = (the email address)
placeholder-password-kept = (unchanged)
security-none = None (unencrypted)
login-automatic = Automatic
login-automatic-explained = Poplar picks the safest method the server offers.
login-fixed-explained = Only this method is used; choose it if your provider says so.
plain-warning = Without encryption, your password and your mail cross the network readable by anyone on the way.
plain-confirm = I understand: connect without encryption
keep-delete = Delete from server after download
keep-forever = Keep on server
keep-days = Keep on server for some days
keep-delete-explained = Each message is removed from the server once it is safely stored on this computer.
keep-forever-explained = The server keeps a copy of every message; Poplar downloads each one once.
keep-days-explained = The server keeps each message for { $days } days after Poplar downloads it, then Poplar deletes it there.
delete-on-server = Delete on the server when I delete it for good here
delete-on-server-on = Emptying the Trash here also removes those messages from the server.
delete-on-server-off = The server's copies stay whatever you delete here.
size-limit = Download only the headers of large messages
size-limit-on = Larger messages stay whole on the server until you choose "Download the rest".
size-limit-off = Every message is downloaded whole.
check-on-startup = Check for new mail when Poplar starts
check-every = Check for new mail every few minutes
include-in-get-all = Include in "Get mail" for all accounts
include-in-get-all-explained = Off: this account is only checked when you select it and press "Get mail".
detect-find = Find settings
detect-searching = Searching…
detect-found = Found { $host }:{ $port } ({ $security }).
detect-none = No POP3 server was found for this address; enter the one from your provider's letter.
invalid-email-missing = Enter your email address.
invalid-name-missing = Enter a name for this account (or an email address).
invalid-email = This does not look like an email address (name@example.com).
invalid-host-missing = Enter the incoming (POP3) server, e.g. pop.example.com.
invalid-host = A server name has no spaces, slashes or @.
invalid-port = The port is a number from 1 to 65535.
invalid-email-to-send = Sending needs the address mail goes out from.
invalid-smtp-host-missing = Enter the outgoing (SMTP) server, e.g. smtp.example.com.
invalid-plain-unconfirmed = Tick the box above to connect without encryption, or choose SSL/TLS.
invalid-user = Enter the user name.
invalid-password = Enter the password for this account.
invalid-days = Keep for 1 to 3650 days.
invalid-size-limit = Enter a size in KB (at least 1).
invalid-minutes = Check every 1 to 1440 minutes.
invalid-control-characters = { $field } cannot hold control characters such as line breaks.
invalid-keep-mode = unknown keep mode "{ $mode }": use delete, forever or days:N
invalid-smtp-login = unknown login method "{ $value }" for the outgoing server: use { $choices }
account-password-refused = the system keyring did not take the password, so the account "{ $name }" was not added: { $error }
form-has-problems = Some fields need attention; nothing was saved.
trust-certificate = Trust this certificate for this account
test-connection = Test connection
test-connecting = Connecting…
test-certificate-trusted = This certificate is trusted for this account. Test again to log in.
test-logged-in = { $count ->
    [one] Connected and logged in ({ $encryption }). 1 message on the server.
   *[other] Connected and logged in ({ $encryption }). { $count } messages on the server.
}
test-encrypted = encrypted with TLS 1.2 or newer
test-not-encrypted = not encrypted
test-capabilities = Login methods: { $methods }. UIDL: { $uidl }. TOP: { $top }. PIPELINING: { $pipelining }.
test-expire-never = The server never deletes mail by itself.
test-expire-days = The server deletes mail { $days } days after it is downloaded.
test-no-capa = The server does not say what it supports (no CAPA).
unit-kb = KB
yes = yes
no = no

## Preferences
preferences-language = Language
preferences-theme = Theme
preferences-pane = Reading pane
preferences-mark-read = Mark messages read
preferences-notify = Show a notification when new mail arrives
preferences-as-system = As the system
preferences-light = Light
preferences-dark = Dark
preferences-pane-below = Below the list
preferences-pane-beside = Beside the list
preferences-read-at-once = At once
preferences-read-after = After { $seconds } seconds
preferences-read-never = Only when I say so

## Tooltips (with keyboard shortcuts)
tip-get-mail = Check every account for new mail (F5). Move with ↑ ↓ or j k, open with Enter, page the message with Space.
tip-search-all = Search every folder, not only this one (Ctrl+F to search, Esc to clear).
tip-delete = Move to the Trash (Delete). Shift+↑ ↓ or Ctrl+click select several.

## Writing mail
compose-title = New message
compose-from = From
compose-bcc = Bcc
action-reply = Reply
action-reply-all = Reply all
action-forward = Forward
action-forward-attached = Forward as attachment
action-new-rule = New rule…
compose-save-draft = Save draft
compose-draft-not-saved = The draft could not be saved (it stays here; trying again): { $error }
folder-drafts = Drafts
reader-edit-draft = Edit
draft-account-gone = The account this draft was written from ({ $address }) is gone: it is sent from the one chosen above.
draft-damaged = This draft cannot be read back; its message is still in Drafts (Save as .eml keeps it).
draft-note = A draft: Edit to go on writing it.
compose-attach = Attach…
compose-send = Send
compose-discard = Discard
compose-large = These files come to { $size }: many servers refuse mail over 10 MB.
compose-no-account = Choose the account to send from (add one first if there is none).
compose-no-recipient = Add someone to send to.
compose-bad-address = These are not addresses: { $addresses }
compose-unreadable = Could not read { $file }: { $error }

## Sending
send-no-server = the account "{ $account }" has no outgoing server: add one in its settings
send-busy = the Outbox of "{ $account }" is being sent by another Poplar window or command
send-restoring = a backup is being restored into this data folder: send again when it is done
send-lock = could not take the sending lock ({ $detail })
send-no-outgoing-password = the outgoing server of "{ $account }" has a password of its own, and none is stored: type it in the account's settings (Sending)
error-rule-exists = A rule named "{ $name }" already exists.
error-no-such-rule = There is no rule named "{ $name }".
send-not-tried = not tried yet: the connection was lost while an earlier message went out
send-no-sender = the message has no sender address: give the account an email address
send-no-recipient = the message has no recipient
send-bad-address = "{ $address }" is not an address Poplar can send to
smtp-timeout = the outgoing server did not answer in time
smtp-closed = the outgoing server closed the connection
smtp-network = network error with the outgoing server ({ $detail })
smtp-protocol = the outgoing server's answer cannot be understood ({ $detail })
smtp-garbled-data-before-tls = the server sent data before TLS began
smtp-garbled-bad-challenge = a CRAM-MD5 challenge that is not base64
smtp-garbled-too-long = an answer too long
smtp-garbled-not-reply = "{ $line }"
smtp-refused = the outgoing server refused: { $server }
smtp-recipient-refused = the outgoing server refused the recipient { $address }: { $server }
smtp-login-failed = the outgoing server refused the login (check the user name and password): { $server }
smtp-no-login-method = the outgoing server offers no login Poplar can use here (it offers: { $offered })
smtp-no-starttls = the outgoing server does not offer STARTTLS; nothing was sent unencrypted
smtp-too-large = the message ({ $size } KB) is larger than the outgoing server takes ({ $limit } KB)
status-sent = { $account }: { $count ->
    [one] 1 message sent
   *[other] { $count } messages sent
}
status-outbox-waiting = { $account }: { $sent } sent, { $waiting } still in the Outbox ({ $reason })
status-send-failed = { $account }: the Outbox could not be sent: { $error }
toolbar-write = Write
compose-no-sending-account = No account can send yet: turn on "Send mail from this account" in an account's settings (Sending).
status-in-outbox = The message is in the Outbox; sending it.
folder-outbox = Outbox
folder-sent = Sent
outbox-waiting = In the Outbox: it goes out at the next check.
outbox-waiting-because = Not sent yet: { $reason }
outbox-send-again = Send again

## Rules
toolbar-rules = Rules
rules-title = Sorting rules
rules-explained = New mail is sorted as it is stored, rule by rule in this order. Texts match whatever their width or case (ＡＢＣ as abc, ｾｰﾙ as セール).
rules-none = No rules yet: add one below.
rules-new = New rule
rules-name = Name
rules-contains = contains
rules-folder = Folder
rules-stop = Stop here: no later rule for mail this one matches
rules-add = Add rule
rules-remove = Remove
rules-editing = Edit rule
rules-edit = Edit
rules-save = Save rule
rules-for = for
rules-all-accounts = All accounts
rules-when = when
rules-match-all = all of these match
rules-match-any = any of these matches
rules-then = then
rules-looks-header = Header…
rules-looks-size = Size over
rules-header-name = Header name
rules-size-hint = e.g. 2M
rules-test-is = is
rules-test-begins = begins with
rules-test-ends = ends with
rules-test-regex = matches the regular expression
rules-add-condition = + Condition
rules-add-action = + Action
rules-run-folder = Run rules now on { $folder }
rules-run-selected = { $count ->
    [one] Run on the selected message
   *[other] Run on the { $count } selected messages
}
rules-condition-needed = Add at least one condition.
rules-action-needed = Add at least one action.
rules-header-needed = Type the header's name (such as X-Mailer).
rules-size-needed = Type a size such as 500K or 2M.
rules-bad-regex = The regular expression does not work: { $detail }
rules-ran = The rules matched { $matched } of { $count } messages.
rules-name-needed = Give the rule a name.
rules-folder-needed = Name the folder to move the mail to.
rules-text-needed = Type the text to look for.
rules-server-needs-headers = Leaving or deleting mail on the server is decided from its headers: the text cannot be looked at.
rules-summary = { $when } → { $does }
rules-and = and
rules-or = or
rules-to-cc = To or Cc
rules-body = Text
rules-if-contains = { $field } contains “{ $text }”
rules-if-is = { $field } is “{ $text }”
rules-if-begins = { $field } begins with “{ $text }”
rules-if-ends = { $field } ends with “{ $text }”
rules-if-regex = { $field } matches /{ $text }/
rules-if-size = larger than { $kb } KB
rules-if-attachment = has an attachment
rules-move-to = move to { $folder }
rules-mark-read = mark read
rules-flag = flag
rules-junk = to Junk
rules-delete = to the Trash
rules-skip-download = leave on the server, do not download
rules-delete-on-server = delete on the server without downloading
rules-stop-here = stop

## The junk filter
folder-junk = Junk
action-junk = Junk
action-not-junk = Not junk
tip-junk = Junk: teach the filter and move to Junk (J)
tip-not-junk = Not junk: teach the filter and move back to the inbox (Shift+J)
status-junk = { $count ->
    [one] Marked 1 message as junk.
   *[other] Marked { $count } messages as junk.
}
status-not-junk = { $count ->
    [one] Marked 1 message as not junk.
   *[other] Marked { $count } messages as not junk.
}
preferences-junk = Junk filter
preferences-junk-trained = Taught { $junk } junk and { $good } good messages.
preferences-junk-learning = It starts sorting new mail into Junk once it knows { $ready } of each: mark messages with Junk (J) and Not junk (Shift+J).
preferences-junk-active = It sorts new mail into Junk.
preferences-junk-status = { $trained } { $state }
preferences-junk-empty = Move junk older than { $days } days to the Trash

## The server's mailbox (remote view)
account-on-server = On the server
remote-title = On the server: { $account }
remote-download = Download
remote-download-delete = Download, then delete there
remote-delete = Delete on the server
remote-refresh = Refresh
remote-listing = Reading the list from the server (headers only)…
remote-applying = Working on the server…
remote-summary = { $count } messages, { $size } on the server; { $chosen } chosen.
remote-confirm = Delete { $count } messages on the server?
remote-confirm-not-here = { $count } of them are not stored here (or only their headers): they will be gone for good.
remote-confirm-more = and { $count } more.
remote-confirm-button = Yes, delete them there
remote-column-here = Here
remote-here = Stored here
remote-here-until = Here; server copy until { $date }
remote-here-next-fetch = Here; deleted there at the next check
remote-here-partial = Headers only
remote-not-here = Not here
remote-applied = { $stored } stored here, { $deleted } deleted on the server ({ $gone } of them had no copy here).
