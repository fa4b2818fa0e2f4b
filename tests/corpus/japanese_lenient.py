"""The lenient classes of the Japanese corpus: mail that breaks the rules in ways users
meet weekly (mislabelled bodies, charsets only in HTML, pre-MIME and raw Shift_JIS mail,
glued encoded words, names only in comments)."""

from japanese_cases import IT, IT_SHOWN, YAMADA, YAMADA_SHOWN, case, jword, letter, msg, u8
from mime_bytes import body_lines, bword, html_part, jis, qword, sjis, text_part

# --- Lenient: a body whose label is not its charset ---------------------------------------


def labelled(line, label, codec, cte="8bit"):
    """A letter in `codec` whose Content-Type says `label`."""
    return text_part(letter(line), label, codec, cte)


@case("mislabelled", "labelled us-ascii, 8bit UTF-8 bytes",
      note="encoding_rs reads the us-ascii label as windows-1252, which has no invalid "
           "bytes; the label must be taken strictly (8-bit bytes are not ASCII).")
def _():
    line = "ご依頼いただいた納品日の件、３月２０日で確定いたしました。"
    return msg(YAMADA, jword("Re: 納品日のご確認"), labelled(line, "us-ascii", "utf-8"),
               subject="Re: 納品日のご確認", sender=YAMADA_SHOWN, body=line)


@case("mislabelled", "labelled iso-8859-1, 8bit Shift_JIS bytes",
      note="Latin-1 decodes any bytes, so no invalid sequence shows the mistake; C1 controls "
           "in the result (0x81 0x42 is 。) or chardetng must. Thunderbird obeys the label here.")
def _():
    line = "本日の打ち合わせの内容を以下にまとめました。"
    return msg(YAMADA, jword("打ち合わせメモ"), labelled(line, "iso-8859-1", "cp932"),
               subject="打ち合わせメモ", sender=YAMADA_SHOWN, body=line)


@case("mislabelled", "labelled iso-2022-jp, 8bit Shift_JIS bytes")
def _():
    line = "出張の日程が決まりましたのでご連絡いたします。"
    return msg(YAMADA, jword("出張日程のご連絡"), labelled(line, "iso-2022-jp", "cp932"),
               subject="出張日程のご連絡", sender=YAMADA_SHOWN, body=line)


@case("mislabelled", "labelled iso-2022-jp, 8bit UTF-8 bytes")
def _():
    line = "新しいパスワードは次回ログイン時に設定してください。"
    subject = "パスワード再設定のお知らせ"
    return msg(IT, jword(subject), labelled(line, "ISO-2022-JP", "utf-8"),
               subject=subject, sender=IT_SHOWN, body=line)


@case("mislabelled", "labelled iso-8859-1, quoted-printable UTF-8 bytes",
      note="As iso-8859-1 with Shift_JIS: nothing is invalid; the bytes are valid UTF-8 "
           "with multi-byte sequences, which Latin-1 text practically never is.")
def _():
    line = "お問い合わせいただいた製品の在庫は現在ございます。"
    part = labelled(line, "iso-8859-1", "utf-8", "quoted-printable")
    return msg(b"support@example.com", b"Re: " + bword("UTF-8", u8("在庫確認")), part,
               subject="Re: 在庫確認", sender="support@example.com", body=line)


# --- Lenient: HTML whose only charset is a meta element ------------------------------------


@case("html-meta", 'text/html without charset, Shift_JIS 8bit, <meta charset="Shift_JIS">')
def _():
    line = "春の新製品発表会を下記のとおり開催いたします。"
    paragraphs = ["いつもお世話になっております。", line]
    part = html_part('<meta charset="Shift_JIS">', "新製品発表会", paragraphs, "cp932")
    return msg(IT, jword("新製品発表会のご案内"), part,
               subject="新製品発表会のご案内", sender=IT_SHOWN, body=line)


@case("html-meta", "text/html without charset, EUC-JP 8bit, <meta http-equiv ... charset=EUC-JP>")
def _():
    line = "ご注文いただいた商品を本日発送いたしました。"
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">'
    part = html_part(meta, "発送のお知らせ", ["ご注文ありがとうございます。", line], "euc_jp")
    return msg(b"shop@example.jp", jword("商品発送のお知らせ"), part,
               subject="商品発送のお知らせ", sender="shop@example.jp", body=line)


@case("html-meta", "text/html without charset, ISO-2022-JP 7bit, unquoted http-equiv")
def _():
    line = "会員登録が完了いたしました。"
    meta = '<meta http-equiv=Content-Type content="text/html; charset=iso-2022-jp">'
    paragraphs = ["ご登録ありがとうございます。", line]
    part = html_part(meta, "登録完了", paragraphs, "iso2022_jp", "7bit")
    return msg(b"info@example.jp", jword("会員登録完了のお知らせ"), part,
               subject="会員登録完了のお知らせ", sender="info@example.jp", body=line)


@case("html-meta", "text/html without charset, Shift_JIS QP, <meta charset=shift_jis>")
def _():
    line = "今月のキャンペーン情報をお届けします。"
    paragraphs = [line, "配信停止はこちらから。"]
    part = html_part("<meta charset=shift_jis>", "メールマガジン", paragraphs, "cp932",
                     "quoted-printable")
    return msg(b"news@example.jp", jword("メールマガジン３月号"), part,
               subject="メールマガジン３月号", sender="news@example.jp", body=line)


# --- Lenient: pre-MIME mail --------------------------------------------------------------


def bare(text, codec="iso2022_jp"):
    """A body with no MIME headers at all."""
    return [], body_lines(text, codec)


@case("pre-mime", "no MIME headers, encoded-word Subject, raw ISO-2022-JP body")
def _():
    line = "来週の研究会は第二会議室で行います。"
    return msg(YAMADA, jword("研究会のお知らせ"), bare(letter(line)), mime=False,
               subject="研究会のお知らせ", sender=YAMADA_SHOWN, body=line)


@case("pre-mime", "no MIME headers, raw ISO-2022-JP in Subject, From and body (ESC ( J)",
      note="JUNET-style raw ISO-2022-JP headers: Thunderbird reads them as the fallback "
           "charset allows; a reader expects the Japanese.")
def _():
    line = "メーリングリストの移転先が決まりました。"
    rest, body = bare(letter(line))
    body = body.replace(b"\x1b(B", b"\x1b(J")
    return msg(jis("田中") + b" <tanaka@example.ac.jp>", jis("メーリングリスト移転"),
               (rest, body), mime=False, subject="メーリングリスト移転",
               sender="田中 <tanaka@example.ac.jp>", body=line)


@case("pre-mime", "no MIME headers, ASCII headers, ISO-2022-JP body mixed with ASCII lines")
def _():
    line = "サーバーの再起動は２３時に行います。"
    text = f"ito@example.ac.jp wrote:\n> Is the server down?\n\n{line}\n-- \nIto"
    subject = "Re: [jp-users 01234] server"
    return msg(b"ito@example.ac.jp", subject.encode("ascii"), bare(text), mime=False,
               subject=subject, sender="ito@example.ac.jp", body=line)


# --- Lenient: encoded word glued to text ----------------------------------------------------


@case("glued-word", "Re:=?ISO-2022-JP?B?...?= with no space")
def _():
    line = "会議の件、承知いたしました。"
    return msg(YAMADA, b"Re:" + jword("会議の件について"), text_part(letter(line)),
               subject="Re:会議の件について", sender=YAMADA_SHOWN, body=line)


@case("glued-word", "a mailing list's [staff:00123] glued before the word")
def _():
    line = "社員旅行の行き先が決まりましたのでお知らせします。"
    return msg(IT, b"[staff:00123]" + jword("社員旅行のお知らせ"), text_part(letter(line)),
               subject="[staff:00123]社員旅行のお知らせ", sender=IT_SHOWN, body=line)


@case("glued-word", "ASCII glued after the word: =?...?=No.2025-031")
def _():
    line = "お見積書をお送りいたします。"
    return msg(YAMADA, jword("見積書") + b"No.2025-031", text_part(letter(line)),
               subject="見積書No.2025-031", sender=YAMADA_SHOWN, body=line)


@case("glued-word", "Fw:=?UTF-8?Q?...?= and a From name glued to its <address>")
def _():
    line = "新製品発表会の案内を転送します。"
    subject = "新製品発表会のご案内"
    return msg(bword("UTF-8", u8("佐藤")) + b"<sato@example.jp>",
               b"Fw:" + qword("UTF-8", u8(subject)), text_part(letter(line)),
               subject="Fw:" + subject, sender="佐藤 <sato@example.jp>", body=line)


# --- Lenient: raw Shift_JIS without MIME headers --------------------------------------------


@case("raw-sjis", "raw Shift_JIS From, Subject and body; no MIME headers")
def _():
    line = "本日の打ち合わせの議事録をお送りします。"
    subject = "打ち合わせ議事録の送付"
    return msg(sjis("山田太郎") + b" <yamada@example.jp>", sjis(subject),
               bare(letter(line), "cp932"), mime=False,
               subject=subject, sender=YAMADA_SHOWN, body=line)


@case("raw-sjis", "raw CP932: NEC specials (①, ㈱) and half-width katakana; no MIME headers")
def _():
    line = "ｼｽﾃﾑ障害のため、①の作業は明日に延期します。"
    subject, name = "【至急】①見積書の件（㈱山田商事）", "ｻﾎﾟｰﾄｾﾝﾀｰ"
    return msg(sjis(name) + b" <support@example.co.jp>", sjis(subject),
               bare(letter(line), "cp932"), mime=False,
               subject=subject, sender=f"{name} <support@example.co.jp>", body=line)


@case("raw-sjis", "raw Shift_JIS with 0x5C trail bytes (ソ, 表, 能); no MIME headers")
def _():
    line = "ソフトウェア更新の予定表を表示できない場合はご連絡ください。"
    subject = "ソフトウェア更新予定表の件"
    assert b"\\" in sjis(subject)
    return msg(sjis("能見") + b" <nomi@example.jp>", sjis(subject),
               bare(letter(line), "cp932"), mime=False,
               subject=subject, sender="能見 <nomi@example.jp>", body=line)


# --- Lenient: the sender's name only as a comment -------------------------------------------


@case("comment-name", "taro@example.jp (=?ISO-2022-JP?B?...?=)")
def _():
    line = "先日はありがとうございました。"
    return msg(b"taro@example.jp (" + jword("山田太郎") + b")", jword("御礼"),
               text_part(letter(line)),
               subject="御礼", sender="山田太郎 <taro@example.jp>", body=line)


@case("comment-name", "hanako@example.co.jp (raw UTF-8 name)")
def _():
    line = "資料の件、確認いたしました。"
    return msg(u8("hanako@example.co.jp (鈴木花子)"), jword("Re: 資料の件"),
               text_part(letter(line)),
               subject="Re: 資料の件", sender="鈴木花子 <hanako@example.co.jp>", body=line)


@case("comment-name", "kato@example.ne.jp (raw Shift_JIS name with a space), raw Shift_JIS subject")
def _():
    line = "来月の訪問日程について相談させてください。"
    part = text_part(letter(line), "Shift_JIS", "cp932", "8bit")
    return msg(b"kato@example.ne.jp (" + sjis("加藤 次郎") + b")", sjis("訪問日程のご相談"), part,
               subject="訪問日程のご相談", sender="加藤 次郎 <kato@example.ne.jp>", body=line)


@case("comment-name", "info@example.com (=?UTF-8?Q?...?=)")
def _():
    line = "弊社ウェブサイトをリニューアルいたしました。"
    name, subject = "株式会社サンプル 広報部", "サイトリニューアルのお知らせ"
    return msg(b"info@example.com (" + qword("UTF-8", u8(name)) + b")", jword(subject),
               text_part(letter(line)),
               subject=subject, sender=f"{name} <info@example.com>", body=line)
