# Poplar の日本語の文言。en.ftl のキーと一対一に対応します（テストで確認しています）。

app-name = Poplar
app-title-unread = Poplar（未読 { $count } 通）

## 共通のボタン
button-save = 保存
button-cancel = キャンセル
button-close = 閉じる

## データベースが壊れているときの画面
damaged-title = メールのデータベースを読み込めません
damaged-detail = ファイルが壊れています: { $detail }
damaged-nothing-changed = 何も変更・削除していません。壊れたファイルは中身が失われないよう、そのまま残してあります。
damaged-newest-backup = 最新のバックアップは { $date } のものです。
damaged-restore-latest = 最新のバックアップから復元
damaged-kept-beside = 壊れたファイルは復元したファイルの隣に残します。
damaged-no-backup = バックアップが見つかりません。お持ちの場合は次のコマンドで復元できます: poplar restore FILE

## ツールバー
toolbar-get-mail = メール受信
toolbar-getting-mail = 受信中…
toolbar-stop = 中止
toolbar-add-account = アカウント追加
toolbar-import-export = インポート/エクスポート
toolbar-backups = バックアップ
toolbar-preferences = 設定
toolbar-search = 検索 (Ctrl+F)
toolbar-search-all = すべてのメール

## サイドバー
folder-all-inboxes = すべての受信箱
folder-inbox = 受信箱
folder-trash = ごみ箱
folder-name = フォルダー名
folder-new = 新規フォルダー
folder-rename = 名前の変更
folder-delete = 削除
account-edit = 編集
account-remove = 削除

## メッセージ一覧
list-load-error = メールのデータベースを読み込めませんでした: { $error }
list-empty = メッセージはありません。「メール受信」を押すと新着メールを確認します。
list-nothing-found = 見つかりませんでした。
welcome-title = Poplar へようこそ
welcome-text = まずメールアカウントを追加してください。
column-from = 差出人
column-subject = 件名
column-date = 日付
column-size = サイズ
list-no-subject = （件名なし）
list-flagged = フラグ付き
list-attachment = 添付ファイルあり
list-partial = ヘッダーのみ受信済み

## 閲覧ウィンドウ
reader-select = メッセージを選ぶとここに表示されます。
reader-opening = 開いています…
reader-failed = このメッセージを開けませんでした: { $error }
header-from = 差出人
header-to = 宛先
header-cc = Cc
header-date = 日付
header-attached = 添付
header-links = リンク
header-subject = 件名
reply-wrote = { $date }、{ $name } さんは書きました:
forward-title = -------- 転送メッセージ --------
attachment-save = 保存…
attachment-open = 開く
attachment-open-anyway = それでも開く
attachment-warning = 「{ $name }」は{ $kind }です（{ $evidence }）。開くと実行され、このコンピューターに害を及ぼすおそれがあります。保存してください。送信者を信頼でき、このファイルが届く予定だった場合にだけ開いてください。
danger-kind-windows-program = Windows のプログラム
danger-kind-script = スクリプト
danger-kind-shortcut = プログラムを起動するショートカット
danger-kind-installer = インストーラー
danger-kind-java-program = Java のプログラム
danger-kind-mac-program = macOS のプログラム
danger-kind-linux-program = Linux のプログラム
danger-kind-disk-image = ディスクイメージ
danger-by-extension = 名前の末尾が .{ $extension }
danger-by-extension-posing = 名前の末尾は .{ $shown } ではなく .{ $extension }
danger-by-contents = 名前に関係なく中身から判定
danger-declared = メッセージでの指定は { $mime }
action-restore = 元に戻す
action-delete-for-good = 完全に削除
action-flag = フラグを付ける
action-unflag = フラグを外す
action-mark-unread = 未読にする
action-view-message = メッセージを表示
action-view-source = ソースを表示
action-save-eml = .eml で保存…
action-delete = 削除
action-move-to = 移動先…
link-confirm = { $link } をブラウザーで開きますか？
link-open = 開く
partial-note = このメッセージはヘッダーだけを受信しています（サーバー上のサイズ { $size }）。
partial-download-rest = 残りを受信

## ステータスバー
status-count = { $count } 通
backup-off = バックアップ未設定
backup-none-yet = まだバックアップがありません
backup-just-now = たった今バックアップしました
backup-minutes-ago = { $minutes } 分前にバックアップ
backup-hours-ago = { $hours } 時間前にバックアップ
backup-days-ago = 最後のバックアップは { $days } 日前

## パスワードの入力
password-title = { $account } のパスワード
password-why = メールの受信に必要です: { $reason }。
password-placeholder = パスワード
password-where = システムのキーリングがあればそこに保存します。ない場合は Poplar を閉じるまでだけ覚えておきます。
password-not-now = 後で

## アカウントの削除
remove-title = アカウント「{ $name }」を削除しますか？
remove-text = 設定とパスワードは削除されます。メールはこれまでどおり読めるようこのコンピューターに残すことも、一緒に削除することもできます。サーバー上は何も変わりません。
remove-delete-mail = メールも削除
remove-keep-mail = メールは残す

## ステータスメッセージ
status-link-failed = リンクを開けませんでした: { $error }
status-saved-as = { $path } に保存しました。
status-attachment-not-saved = 添付ファイルを保存できませんでした: { $error }
status-attachment-not-opened = 添付ファイルを開けませんでした: { $error }
status-message-not-saved = メッセージを保存できませんでした: { $error }
status-stopping = 中止しています…
status-folder-needs-name = フォルダー名を入力してください。
status-moved-to = 「{ $folder }」に移動しました。
status-account-not-removed = { $account } を削除できませんでした: { $error }
status-restoring = 最新のバックアップから復元しています…
status-restored = バックアップから復元しました。
status-restored-kept = バックアップから復元しました。置き換えたデータベースは { $path } として残してあります。
status-restore-failed = バックアップから復元できませんでした。何も変更していません: { $error }
status-downloading-rest = { $account }: メッセージの残りを受信しています…
status-no-worker = 受信処理が動いていません。Poplar を再起動してください。
status-add-account-first = 先にアカウントを追加してください。
status-checking = 新着メールを確認しています…
status-connecting = { $account }: 接続しています…
status-no-new = { $account }: 新着メールはありません
status-progress = { $account }: 新着 { $total } 通中 { $done } 通（{ $kb } KB）
status-finished = { $account }: 新着 { $new } 通、サーバーから削除 { $deleted } 通、サーバーに保管 { $kept } 通
status-skipped = 、{ $count } 通は受信できませんでした（次回再試行します）
status-failed-will-retry = { $account }: { $error } 次の確認時に再試行します。
status-stopped = { $account }: 中止しました。受信済みのメールはすべて保存されています。
status-completed = { $account }: メッセージ全体を受信しました。
status-backed-up = { $path } にバックアップしました。
status-backup-failed = バックアップに失敗しました: { $error }
status-account-saved = { $name } の設定を保存しました。
status-account-added = { $name } を追加しました。
notice-no-keyring = システムのキーリングがないため、{ $account } のパスワードは Poplar を閉じるまでだけ覚えておきます。
notify-new-mail = { $account }: 新着メール { $count } 通
dialog-save-attachment = 添付ファイルの保存
dialog-save-message = メッセージの保存
attachment-gone = この添付ファイルはもうメッセージにありません

## エラー（具体的な内容はプログラムが埋め込みます）
error-store = メールのデータベースでエラーが起きました: { $detail }
error-no-uidl-for-keep = { $host } は UIDL に対応していないため、どのメッセージを受信済みか判別できません。このアカウントでは「受信後にサーバーから削除」を選んでください
error-busy = { $account } は別の Poplar のウィンドウかコマンドが受信中のため、スキップしました
error-gone-from-server = このメッセージの残りはもうサーバーにありません
error-no-password = アカウント「{ $account }」のパスワードが保存されていません
error-no-keyring = システムのキーリングが使えないため、この環境ではパスワードを記憶できません
certificate-described = 発行先 { $subject }、発行者 { $issuer }、有効期間 { $from } 〜 { $until }、SHA-256 フィンガープリント { $fingerprint }
error-resolve = サーバー「{ $host }」が見つかりません: { $detail }。サーバー名を確認してください。
error-refused = サーバー { $host } がポート { $port } への接続を拒否しました。サーバー名、ポート、暗号化の設定を確認してください。
error-connect = { $host } のポート { $port } に接続できません: { $detail }
step-connecting = 接続中
step-greeting = 最初の応答を待っている間
step-capabilities = サーバーの機能を問い合わせ中
step-starting-tls = TLS を開始中
step-logging-in = ログイン中
step-counting = メールの数を確認中
step-listing-ids = メールの ID 一覧を取得中
step-listing = 一覧を受信中
step-receiving-message = メールを受信中
step-receiving-headers = ヘッダーを受信中
step-deleting = メールを削除中
step-checking = 接続を確認中
step-closing = セッションを終了中
step-sending-command = コマンドを送信中
error-timeout = { $host } から { $secs } 秒以内に応答がありません（{ $doing }）。サーバーかネットワークが停止している可能性があります。しばらくしてから再試行してください。
error-tls = { $host } との暗号化接続に失敗しました: { $detail }
error-untrusted = { $host } の証明書は信頼できません: { $detail }。プロバイダーのサーバーだと分かっている場合は、このアカウントでこの証明書を信頼してください。
error-certificate-changed = { $host } の証明書が、信頼すると選んだものと違います（期待値 { $expected }、実際 { $found }）。通信が傍受されている可能性があります。何も送信していません。
error-no-starttls = { $host } は STARTTLS に対応していません。このアカウントでは必須のため、平文では何も送信していません。SSL/TLS を選ぶか、プロバイダーに問い合わせてください。
error-login-failed = { $host } に { $user } としてログインできませんでした: { $server }。ユーザー名とパスワードを確認してください。
error-try-later = { $host } は混み合っているため、後で再試行するよう求めています: { $server }
error-server-refused = { $host } がセッションを拒否しました: { $server }
error-command = { $host } が { $command } にエラーを返しました: { $server }
error-no-uidl = { $host } は UIDL に対応していません。サーバーにメールを残すには UIDL が必要です
error-protocol = { $host } から理解できない応答が届きました: { $detail }
error-line-too-long = { $host } から { $max } バイトを超える行が届いたため、セッションを終了しました
error-too-slow = { $host } からの応答が遅すぎるため（{ $secs } 秒間に { $bytes } バイト未満）、セッションを終了しました。しばらくしてから再試行してください。
error-restore-while-fetching = このデータフォルダーにメールを受信中です。受信が終わってから復元してください。何も変更していません。
error-restore-failed = バックアップを復元できませんでした（{ $detail }）。復元前のデータベースは { $kept } に残してあります。
error-crashed = Poplar の不具合で受信が止まりました。保存済みのメールはそのままで、サーバー上のメールは削除していません。「メール受信」でもう一度試せます。
error-account-gone = このアカウントは削除されたため、受信できません。
error-account-busy = このアカウントは受信中です。終わってからもう一度お試しください。
error-restoring = このデータフォルダーにバックアップを復元中です。終わってから再度受信してください。
error-closed = { $host } が予期せず接続を切りました
error-io = { $host } との通信でネットワークエラーが起きました: { $detail }
error-store-open = メールのデータベース { $path } を開けません: { $detail }
error-store-damaged = メールのデータベース { $path } が壊れています（{ $detail }）。何も変更・削除していません。バックアップから復元してください（ウィンドウの「バックアップ」、または poplar restore FILE）
error-store-too-new = メールのデータベースは新しいバージョンの Poplar で書かれています（スキーマ { $found }、このバージョンは { $known } まで）。開くには Poplar を更新してください
error-no-such-account = 「{ $name }」という名前のアカウントはありません
error-no-such-message = ID { $id } のメッセージはありません
error-folder-exists = 「{ $name }」という名前のフォルダーはすでにあります
error-store-corrupt = メールのデータベースに Poplar が読めない値があります: { $detail }
error-too-large = { $bytes } バイトのメッセージは Poplar が保存できる大きさを超えています
error-disk = メッセージをディスクに書き込めません: { $detail }
error-backup-folder = バックアップ先のフォルダー { $path } に書き込めません: { $detail }
error-backup = バックアップを作成できませんでした: { $detail }
error-bad-snapshot = { $path } は使える Poplar のバックアップではありません: { $detail }
error-file-exists = { $path } はすでにあります。別の名前にしてください。Poplar は上書きしません
error-write = { $path } に書き込めません: { $detail }
error-read = { $path } を読み込めません: { $detail }
error-accounts-file = { $path } は Poplar のアカウント設定ファイルではありません: { $detail }
error-accounts-file-entry = { $path } のアカウント「{ $name }」: { $detail }
error-accounts-file-weakened = { $path } は安全性の低い設定を含むため、何もインポートしませんでした。
error-no-home = メールを保存するホームフォルダーが見つかりません。Poplar を --data-dir DIR 付きで起動してください
error-create-folder = データフォルダー { $path } を作成できません: { $detail }
error-ca-file = CA 証明書ファイル { $path } を読み込めません: { $detail }

## インポートとエクスポート
transfer-title = インポートとエクスポート
transfer-export = エクスポート
transfer-import = インポート
transfer-default-folder = インポート
transfer-name-folder = インポート先のフォルダー名を入力してください。
transfer-exported = { $count } 通をエクスポートしました。
transfer-imported = 「{ $folder }」に { $count } 通をインポートしました。{ $duplicates } 通はすでにあったためスキップしました。
transfer-export-what = 「{ $folder }」をそのままのバイト列でエクスポート:
transfer-as-mbox = mbox ファイルとして…
transfer-as-eml = .eml ファイルとして…
transfer-import-what = Thunderbird、Becky!、Sylpheed などのメールをローカルフォルダーにインポート:
transfer-folder = フォルダー
transfer-from-mbox = mbox ファイル…
transfer-from-eml = .eml ファイルのフォルダー…
transfer-progress = { $total } 通中 { $done } 通…
transfer-accounts-what = 他のコンピューターを同じように設定するためのアカウント設定（パスワードは書き出しません）:
transfer-accounts-export = アカウント設定をエクスポート…
transfer-accounts-import = アカウント設定をインポート…
transfer-accounts-exported = { $count } 件のアカウント設定を書き出しました。
transfer-accounts-imported = { $count ->
    [0] 追加したアカウントはありません。
   *[other] { $count } 件のアカウントを追加しました。パスワードは最初の受信時に入力を求めます。
}
transfer-accounts-skipped = すでにあるため変更しなかったもの: { $names }。
transfer-read = { $done } 通読み込み済み…
transfer-accounts-import-title = アカウント設定のインポート
transfer-accounts-from = ファイル: { $file }
transfer-accounts-would-add = 次のアカウントを追加します:
transfer-accounts-entry = { $name }: { $host }（ポート { $port }、{ $security }）のユーザー { $user }
transfer-accounts-none-new = このファイルのアカウントはすべて登録済みです。
transfer-accounts-would-skip = すでにあるため変更しないもの: { $names }。
transfer-accounts-weaker-plain = { $name } は暗号化しません。パスワードとメールが経路上の誰にでも読める状態で送られます。
transfer-accounts-weaker-plain-mail = { $name } は暗号化しません。メールが経路上の誰にでも読める状態で送られます。
transfer-accounts-weaker-pinned = { $name } はサーバーの証明書を検証せず、SHA-256 フィンガープリントが { $fingerprint } の証明書だけを信頼します。
transfer-accounts-accept-weaker = 理解したうえで、安全性の低い設定のまま追加する
transfer-accounts-add = { $count } 件のアカウントを追加
transfer-accounts-cancelled = 何もインポートしませんでした。

## バックアップ
backups-choose-title = バックアップ先のフォルダーを選択
backups-choose-first = 先にバックアップ先のフォルダーを選んでください。
backups-keep-one = バックアップは 1 つ以上残してください。
backups-saved = 保存しました。Poplar の起動中は毎日バックアップします。
backups-backing-up = バックアップしています…
backups-restored = 復元しました。
backups-nothing-changed = 何も変更していません: { $error }
backups-last = 最後のバックアップ: { $date }
backups-none = まだバックアップしていません。
backups-why = POP3 では、このコンピューターのメールが唯一のコピーであることがよくあります。別のディスク、USB メモリー、同期フォルダーにバックアップを残しましょう。
backups-folder-placeholder = 別のディスク上のフォルダーを選択
backups-choose = 選択…
backups-keep = 保持数
backups-newest-first = 個（新しいものから）
backups-now = 今すぐバックアップ
backups-confirm-restore = ここにあるメールをすべてバックアップ { $name } の内容に置き換えますか？ 現在のデータベースは削除せず、別に残します。
backups-empty-folder = このフォルダーにはまだバックアップがありません。

## アカウントの設定
account-dialog-add = アカウント追加
account-dialog-edit = アカウントの編集
account-add = 追加
account-saving = 保存しています…
account-name-taken = 「{ $name }」という名前のアカウントはすでにあります。別のアカウント名にしてください。
field-email = メールアドレス
field-name = アカウント名
field-server = 受信サーバー
field-security = 暗号化
field-port = ポート
field-login = 認証方式
field-user = ユーザー名
field-password = パスワード
field-server-copies = サーバー上のメール
field-days = 保管日数
field-size-limit = これより大きいもの
field-minutes = 間隔（分）
placeholder-as-email = （メールアドレスと同じ）
placeholder-password-kept = （変更しない）
security-none = なし（暗号化しない）
login-automatic = 自動
login-automatic-explained = サーバーが対応している中で最も安全な方式を選びます。
login-fixed-explained = この方式だけを使います。プロバイダーの指定がある場合に選んでください。
plain-warning = 暗号化しないと、パスワードとメールが経路上の誰にでも読める状態で送られます。
plain-confirm = 理解したうえで、暗号化せずに接続する
keep-delete = 受信後にサーバーから削除
keep-forever = サーバーに残す
keep-days = 一定の日数サーバーに残す
keep-delete-explained = このコンピューターに確実に保存した時点で、サーバーから各メッセージを削除します。
keep-forever-explained = サーバーにすべてのメッセージが残ります。Poplar は各メッセージを一度だけ受信します。
keep-days-explained = 受信してから { $days } 日間はサーバーに残し、その後 Poplar がサーバーから削除します。
delete-on-server = ここで完全に削除したらサーバーからも削除する
delete-on-server-on = ここでごみ箱を空にすると、そのメッセージはサーバーからも削除されます。
delete-on-server-off = ここで何を削除しても、サーバー上のメールはそのまま残ります。
size-limit = 大きなメッセージはヘッダーだけ受信する
size-limit-on = 大きなメッセージは「残りを受信」を選ぶまでサーバーに残ります。
size-limit-off = すべてのメッセージを丸ごと受信します。
check-on-startup = Poplar の起動時に新着メールを確認する
check-every = 一定の間隔で新着メールを確認する
include-in-get-all = すべてのアカウントの「メール受信」に含める
include-in-get-all-explained = オフにすると、このアカウントを選んで「メール受信」を押したときだけ確認します。
detect-find = 設定を検索
detect-searching = 検索しています…
detect-found = { $host }:{ $port }（{ $security }）が見つかりました。
detect-none = このアドレスの POP3 サーバーは見つかりませんでした。プロバイダーからの案内にあるサーバー名を入力してください。
invalid-email-missing = メールアドレスを入力してください。
invalid-name-missing = このアカウントの名前（またはメールアドレス）を入力してください。
invalid-email = メールアドレスの形式ではありません（name@example.com）。
invalid-host-missing = 受信（POP3）サーバー名を入力してください（例: pop.example.com）。
invalid-host = サーバー名に空白、スラッシュ、@ は使えません。
invalid-port = ポートは 1〜65535 の数字です。
invalid-plain-unconfirmed = 暗号化せずに接続するには上のチェックボックスをオンにするか、SSL/TLS を選んでください。
invalid-user = ユーザー名を入力してください。
invalid-password = このアカウントのパスワードを入力してください。
invalid-days = 保管日数は 1〜3650 日です。
invalid-size-limit = サイズを KB で入力してください（1 以上）。
invalid-minutes = 確認間隔は 1〜1440 分です。
invalid-control-characters = { $field }に改行などの制御文字は使えません。
invalid-keep-mode = 保管方法「{ $mode }」は使えません。delete、forever、days:N のいずれかを指定してください
account-password-refused = システムのキーリングがパスワードを保存できなかったため、アカウント「{ $name }」は追加していません: { $error }
form-has-problems = 確認が必要な項目があります。まだ保存していません。
trust-certificate = このアカウントでこの証明書を信頼する
test-connection = 接続テスト
test-connecting = 接続しています…
test-certificate-trusted = このアカウントでこの証明書を信頼しました。もう一度テストしてログインを確認してください。
test-logged-in = 接続してログインしました（{ $encryption }）。サーバーのメッセージは { $count } 通です。
test-encrypted = TLS 1.2 以上で暗号化
test-not-encrypted = 暗号化なし
test-capabilities = 認証方式: { $methods }。UIDL: { $uidl }。TOP: { $top }。PIPELINING: { $pipelining }。
test-expire-never = サーバーがメールを自動で削除することはありません。
test-expire-days = サーバーは受信から { $days } 日後にメールを削除します。
test-no-capa = サーバーは対応機能を知らせてきません（CAPA なし）。
unit-kb = KB
yes = あり
no = なし

## 設定
preferences-language = 言語
preferences-theme = テーマ
preferences-pane = 閲覧ウィンドウ
preferences-mark-read = 既読にするタイミング
preferences-notify = 新着メールを通知する
preferences-as-system = システムに合わせる
preferences-light = ライト
preferences-dark = ダーク
preferences-pane-below = 一覧の下
preferences-pane-beside = 一覧の右
preferences-read-at-once = すぐに
preferences-read-after = { $seconds } 秒後
preferences-read-never = 手動で指定したときだけ

## ツールチップ（キーボードショートカット付き）
tip-get-mail = すべてのアカウントの新着メールを確認します（F5）。↑ ↓ または j k で移動、Enter で開く、Space でメッセージをページ送り。
tip-search-all = このフォルダーだけでなく、すべてのフォルダーを検索します（Ctrl+F で検索、Esc で解除）。
tip-delete = ごみ箱に移動します（Delete）。Shift+↑ ↓ または Ctrl+クリックで複数選択。

## メール作成
compose-title = 新規メッセージ
compose-from = 差出人
compose-bcc = Bcc
compose-attach = 添付…
compose-send = 送信
compose-discard = 破棄
compose-large = 添付ファイルの合計は { $size } です。10 MB を超えるメールは受け取らないサーバーが多くあります。
compose-no-account = 送信に使うアカウントを選んでください（ない場合は先に追加してください）。
compose-no-recipient = 宛先を入力してください。
compose-bad-address = メールアドレスではありません: { $addresses }
compose-unreadable = { $file } を読み込めませんでした: { $error }
