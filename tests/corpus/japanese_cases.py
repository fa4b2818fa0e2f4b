"""The registry of the Japanese corpus and its required classes and controls, one function
per message, registered in the order they are numbered (the lenient classes are in
japanese_lenient.py): what each message is made of, and what a reader must see of it."""

from mime_bytes import (
    attachment,
    bword,
    checked,
    continued,
    cut,
    enc,
    fold,
    jis,
    mid_char,
    multipart,
    pct,
    qword,
    sjis,
    text_part,
)

# The classes of issue 14, in its order, with its ranking.
LEVEL = {
    "split-word": "required",  # encoded words split in the middle of a character
    "shift-state": "required",  # ISO-2022-JP shift state carried across encoded words
    "long-base64": "required",  # overlong or unpadded base64 encoded words
    "rfc2231": "required",  # RFC 2231 continuations, percent-encoding split in a character
    "raw-name": "required",  # raw 8-bit Shift_JIS / EUC-JP / UTF-8 attachment names
    "mislabelled": "lenient",  # body labelled us-ascii, iso-8859-1 or iso-2022-jp, but not
    "html-meta": "lenient",  # HTML whose only charset is a <meta> element
    "pre-mime": "lenient",  # no MIME headers, ISO-2022-JP escapes in the body
    "glued-word": "lenient",  # an encoded word glued to text (Re:=?...?=)
    "raw-sjis": "lenient",  # raw Shift_JIS headers and body, no MIME headers
    "comment-name": "lenient",  # the sender's name only as a comment
    "control": "required",  # mail that already reads right, so that a regression shows
}

CASES = []


def case(cls, what, note=None):
    """Registers a case of class `cls`; `what` says what it is made of, `note` why its
    expectation may be debated."""

    def register(make):
        CASES.append((cls, what, note, make))
        return make

    return register


def msg(header_from, header_subject, part, *, subject, sender, body, names=(), mime=True):
    """One message: its From and Subject as sent, its MIME headers and body (`part`), and
    what must be seen of it: the subject and sender as the list shows them, text the
    body must contain, the attachments' names."""
    rest, raw_body = part
    return {
        "from": header_from,
        "subject": header_subject,
        "rest": rest,
        "body": raw_body,
        "mime": mime,
        "expect": {
            "subject": checked(subject),
            "from": checked(sender),
            "body": checked(body),
            "attachments": [checked(n) for n in names],
        },
    }


def u8(text):
    return text.encode("utf-8")


def jword(text):
    """A whole ISO-2022-JP encoded word, as most Japanese mailers write one."""
    return bword("ISO-2022-JP", jis(text))


def words(charset, data, at, q=False):
    """Encoded words of `data` cut at the offsets `at`."""
    make = (lambda d: qword(charset, d)) if q else (lambda d: bword(charset, d))
    return [make(piece) for piece in cut(data, at)]


def letter(line):
    """A short business letter around `line`, the part the test looks for."""
    return (
        "お世話になっております。\n株式会社山田商事の山田です。\n\n"
        f"{line}\n\nよろしくお願いいたします。"
    )


def utf8_text(line, cte):
    return text_part(letter(line), "UTF-8", "utf-8", cte)


def with_file(line, att):
    """An ISO-2022-JP letter with one attachment."""
    return multipart(text_part(letter(line)), att)


YAMADA = jword("山田太郎") + b" <yamada@example.jp>"
YAMADA_SHOWN = "山田太郎 <yamada@example.jp>"
IT = jword("情報システム部") + b" <it-support@example.co.jp>"
IT_SHOWN = "情報システム部 <it-support@example.co.jp>"


# --- Required: encoded words split in the middle of a character -----------------------


@case("split-word", "ISO-2022-JP B: ESC $ B alone in the first word, the text in the next two")
def _():
    text = "サーバー移行作業に伴うメールシステム停止のお知らせ"
    line = "３月１５日２２時から翌朝６時まで、メールサーバーの移行作業を行います。"
    subject = fold(words("ISO-2022-JP", jis(text), [3, 3 + 2 * 12]))
    return msg(IT, subject, text_part(letter(line)), subject=text, sender=IT_SHOWN, body=line)


@case("split-word", "ISO-2022-JP B: a double-byte character cut in two across folded words")
def _():
    text = "見積依頼書送付の件（株式会社山田商事）"
    data = jis(text)
    subject = fold(words("ISO-2022-JP", data, [mid_char(data, 3 + 2 * 5 + 1, "iso2022_jp")]))
    line = "見積依頼書を添付いたしますので、ご確認のほどお願いいたします。"
    return msg(YAMADA, subject, text_part(letter(line)),
               subject=text, sender=YAMADA_SHOWN, body=line)


@case("split-word", "UTF-8 B: three-byte characters cut across three folded words, also in From")
def _():
    text = "【ご案内】定期メンテナンス実施のお知らせ"
    data = u8(text)
    at = [mid_char(data, 16, "utf-8"), mid_char(data, 40, "utf-8")]
    subject = fold(words("UTF-8", data, at))
    name = "株式会社サンプル サポート窓口"
    sender = b" ".join(words("UTF-8", u8(name), [mid_char(u8(name), 7, "utf-8")]))
    line = "メンテナンス中はサービスをご利用いただけません。"
    return msg(sender + b" <support@example.com>", subject, utf8_text(line, "base64"),
               subject=text, sender=f"{name} <support@example.com>", body=line)


@case("split-word", "UTF-8 Q: characters cut across folded Q words")
def _():
    text = "会議室予約変更のお願い"
    data = u8(text)
    at = [mid_char(data, 4, "utf-8"), mid_char(data, 17, "utf-8")]
    subject = fold(words("UTF-8", data, at, q=True))
    sender = qword("UTF-8", u8("小林")) + b" <kobayashi@example.co.jp>"
    line = "来週火曜日の会議室を第二会議室に変更していただけますでしょうか。"
    return msg(sender, subject, utf8_text(line, "quoted-printable"),
               subject=text, sender="小林 <kobayashi@example.co.jp>", body=line)


@case("split-word", "ISO-2022-JP Q: a double-byte character cut across folded Q words")
def _():
    text = "請求書再発行のご依頼"
    data = jis(text)
    at = [mid_char(data, 3 + 2 * 3 + 1, "iso2022_jp")]
    subject = fold(words("ISO-2022-JP", data, at, q=True))
    sender = jword("経理部") + b" <keiri@example.co.jp>"
    line = "先月分の請求書を紛失してしまったため、再発行をお願いできますでしょうか。"
    return msg(sender, subject, text_part(letter(line)),
               subject=text, sender="経理部 <keiri@example.co.jp>", body=line)


@case("split-word", "ISO-2022-JP B: the sender's name cut inside a character")
def _():
    name = jis("営業部 佐藤花子")
    inside = name.index(b"\x1b$B", 4) + 3 + 3  # in the middle of 藤
    sender = b" ".join(words("ISO-2022-JP", name, [mid_char(name, inside, "iso2022_jp")]))
    subject = "新規取引先のご紹介"
    line = "新しくお取引を始める株式会社サンプルをご紹介いたします。"
    return msg(sender + b" <sato@example.co.jp>", jword(subject), text_part(letter(line)),
               subject=subject, sender="営業部 佐藤花子 <sato@example.co.jp>", body=line)


@case("split-word", "ISO-2022-JP B: the escape sequences cut (ESC $ | B..., ...ESC | ( B)")
def _():
    text = "打ち合わせ資料の送付について"
    data = jis(text)
    subject = fold(words("ISO-2022-JP", data, [2, len(data) - 2]))
    line = "明日の打ち合わせで使用する資料をお送りします。"
    return msg(YAMADA, subject, text_part(letter(line)),
               subject=text, sender=YAMADA_SHOWN, body=line)


# --- Required: shift state carried across encoded words ---------------------------------


@case("shift-state", "ISO-2022-JP B: ESC $ B only in the first of two words (the issue's subject)")
def _():
    text = "長期休暇中の自動応答について（１２月２７日から１月４日まで）"
    subject = fold(words("ISO-2022-JP", jis(text), [3 + 2 * 9]))
    line = "１月５日以降に順次ご返信いたします。"
    body = (
        "このメールは自動応答です。\n"
        f"誠に勝手ながら、１２月２７日から１月４日まで休暇をいただいております。\n{line}"
    )
    return msg(YAMADA, subject, text_part(body), subject=text, sender=YAMADA_SHOWN, body=line)


@case("shift-state", "ISO-2022-JP B: three words, the last two in the state the first set")
def _():
    text = "年末年始休業期間のご案内と営業日変更のお知らせ"
    subject = fold(words("ISO-2022-JP", jis(text), [3 + 2 * 8, 3 + 2 * 16]))
    line = "年内の営業は１２月２６日までとさせていただきます。"
    return msg(IT, subject, text_part(letter(line)), subject=text, sender=IT_SHOWN, body=line)


@case("shift-state", "ISO-2022-JP Q subject after ASCII, and a B sender name, state carried")
def _():
    text = "Re: 打ち合わせ日程の件"
    subject = fold(words("ISO-2022-JP", jis(text), [4 + 3 + 2 * 5], q=True))
    name = "山田商事総務部 鈴木一郎"
    sender = b" ".join(words("ISO-2022-JP", jis(name), [3 + 2 * 4]))
    line = "来週水曜日の午後二時からでいかがでしょうか。"
    return msg(sender + b" <suzuki@example.co.jp>", subject, text_part(letter(line)),
               subject=text, sender=f"{name} <suzuki@example.co.jp>", body=line)


@case("shift-state", "ISO-2022-JP Q: three folded words, only the first with ESC $ B")
def _():
    text = "社内システム更新に関するアンケートのお願い"
    subject = fold(words("ISO-2022-JP", jis(text), [3 + 2 * 6, 3 + 2 * 14], q=True))
    line = "アンケートへのご回答は今月末までにお願いいたします。"
    return msg(IT, subject, text_part(letter(line)), subject=text, sender=IT_SHOWN, body=line)


# --- Required: overlong or unpadded base64 encoded words -----------------------------------


@case("long-base64", "ISO-2022-JP B: one padded word of 124 characters")
def _():
    text = "【重要】サーバー移行作業に伴うメールシステム停止のお知らせ（３月１５日実施）"
    word = jword(text)
    assert len(word) > 75
    line = "作業中はメールの送受信ができませんのでご注意ください。"
    return msg(IT, word, text_part(letter(line)), subject=text, sender=IT_SHOWN, body=line)


@case("long-base64", "UTF-8 B: a short word without its == padding")
def _():
    text = "請求書送付のご連絡 (2)"
    line = "２月分の請求書を郵送にてお送りいたしました。"
    return msg(YAMADA, bword("UTF-8", u8(text), pad=False), text_part(letter(line)),
               subject=text, sender=YAMADA_SHOWN, body=line)


@case("long-base64", "ISO-2022-JP B: one overlong word without its padding")
def _():
    text = "【再送】見積依頼書送付の件につきましてご確認をお願い申し上げます"
    word = bword("ISO-2022-JP", jis(text), pad=False)
    assert len(word) > 75
    line = "先日お送りした見積依頼書について、ご確認いただけましたでしょうか。"
    return msg(YAMADA, word, text_part(letter(line)),
               subject=text, sender=YAMADA_SHOWN, body=line)


@case("long-base64", "UTF-8 B: the sender's name in an unpadded word")
def _():
    sender = bword("UTF-8", u8("経理部 高橋"), pad=False) + b" <takahashi@example.co.jp>"
    subject = "経費精算の締め切りについて"
    line = "今月の経費精算は２５日までに提出してください。"
    return msg(sender, jword(subject), text_part(letter(line)),
               subject=subject, sender="経理部 高橋 <takahashi@example.co.jp>", body=line)


@case("long-base64", "UTF-8 B: two adjacent unpadded words, folded")
def _():
    first, second = "第3回", "定例会議のご案内 (4月)"
    subject = fold([bword("UTF-8", u8(t), pad=False) for t in (first, second)])
    line = "第３回定例会議を４月１０日に開催いたします。"
    return msg(IT, subject, text_part(letter(line)),
               subject=first + second, sender=IT_SHOWN, body=line)


# --- Required: RFC 2231 continuations ----------------------------------------------------


@case("rfc2231", "UTF-8 name*/filename* in three segments cut inside characters")
def _():
    name = "見積依頼書.doc"
    data = u8(name)
    at = [mid_char(data, 5, "utf-8"), mid_char(data, 10, "utf-8")]
    att = attachment("doc", continued("name", "UTF-8''", data, at),
                     continued("filename", "UTF-8''", data, at))
    line = "見積依頼書を添付にてお送りします。"
    return msg(YAMADA, jword("見積依頼の件"), with_file(line, att),
               subject="見積依頼の件", sender=YAMADA_SHOWN, body=line, names=[name])


@case("rfc2231", "ISO-2022-JP'ja' filename* in three segments, state carried, a character cut")
def _():
    name = "サーバー移行手順書.pdf"
    data = jis(name)
    at = [mid_char(data, 3 + 2 * 4 + 1, "iso2022_jp"), 3 + 2 * 7]
    att = attachment("pdf", b"", continued("filename", "ISO-2022-JP'ja'", data, at))
    line = "移行手順書を添付いたしますので、事前にご一読ください。"
    return msg(IT, jword("移行手順書の送付"), with_file(line, att),
               subject="移行手順書の送付", sender=IT_SHOWN, body=line, names=[name])


@case("rfc2231", "Shift_JIS name* in Content-Type only, lead and trail bytes in two segments")
def _():
    name = "請求書（2025年3月分）.xlsx"
    data = sjis(name)
    at = [mid_char(data, 3, "cp932"), mid_char(data, 13, "cp932")]
    att = attachment("xlsx", continued("name", "Shift_JIS''", data, at))
    line = "３月分の請求書をお送りいたします。"
    return msg(YAMADA, jword("３月分ご請求書"), with_file(line, att),
               subject="３月分ご請求書", sender=YAMADA_SHOWN, body=line, names=[name])


@case("rfc2231", "UTF-8 filename* cut inside a character, then an unencoded last segment")
def _():
    data = u8("会議議事録")
    at = [mid_char(data, 8, "utf-8")]
    att = attachment("pdf", b"", continued("filename", "UTF-8''", data, at, "_20250314.pdf"))
    line = "３月１４日の会議の議事録を共有いたします。"
    return msg(YAMADA, jword("議事録の共有"), with_file(line, att), subject="議事録の共有",
               sender=YAMADA_SHOWN, body=line, names=["会議議事録_20250314.pdf"])


@case("rfc2231", "UTF-8 name*/filename* of a long name in four segments, as Thunderbird writes it")
def _():
    name = "2025年度下期_サーバー移行作業計画書_最終版.docx"
    data = u8(name)
    at = [21, 42, 63]
    assert any(mid_char(data, a, "utf-8") for a in at[1:])
    att = attachment("docx", continued("name", "UTF-8''", data, at),
                     continued("filename", "UTF-8''", data, at))
    line = "下期のサーバー移行作業計画書（最終版）をお送りします。"
    return msg(IT, jword("作業計画書（最終版）"), with_file(line, att),
               subject="作業計画書（最終版）", sender=IT_SHOWN, body=line, names=[name])


# --- Required: raw 8-bit attachment names ------------------------------------------------


def raw_param(param, data):
    return f';\r\n {param}="'.encode("ascii") + data + b'"'


@case("raw-name", "raw Shift_JIS name= and filename=, the message's own headers ASCII")
def _():
    name = "見積依頼書.doc"
    att = attachment("doc", raw_param("name", sjis(name)), raw_param("filename", sjis(name)))
    line = "見積依頼書を添付いたします。ご査収ください。"
    return msg(YAMADA, jword("お見積りのご依頼"), with_file(line, att),
               subject="お見積りのご依頼", sender=YAMADA_SHOWN, body=line, names=[name])


@case("raw-name", "raw EUC-JP filename= only")
def _():
    name = "議事録（3月14日）.pdf"
    att = attachment("pdf", b"", raw_param("filename", enc(name, "euc_jp")))
    line = "先日の会議の議事録をお送りします。"
    return msg(YAMADA, jword("議事録送付"), with_file(line, att),
               subject="議事録送付", sender=YAMADA_SHOWN, body=line, names=[name])


@case("raw-name", "raw UTF-8 name= and filename=")
def _():
    name = "サーバー移行手順書.pdf"
    att = attachment("pdf", raw_param("name", u8(name)), raw_param("filename", u8(name)))
    line = "手順書の最新版を添付しました。"
    return msg(IT, jword("手順書最新版"), with_file(line, att),
               subject="手順書最新版", sender=IT_SHOWN, body=line, names=[name])


@case("raw-name", "all raw Shift_JIS: From, Subject, body and the attachment's name")
def _():
    name = "作業報告書.xls"
    att = attachment("xls", raw_param("name", sjis(name)), raw_param("filename", sjis(name)))
    line = "今週の作業報告書を提出いたします。"
    text = text_part(letter(line), "Shift_JIS", "cp932", "8bit")
    return msg(sjis("田中一郎") + b" <tanaka@example.jp>", sjis("作業報告書の提出"),
               multipart(text, att), subject="作業報告書の提出",
               sender="田中一郎 <tanaka@example.jp>", body=line, names=[name])


@case("raw-name", "raw Shift_JIS name whose trail bytes are 0x5C (予, 表) inside the quotes",
      note="0x5C is a backslash to a MIME parser; read as a quoted-pair it eats the byte. "
           "Becky! and Outlook show 予定表.xls; whether Thunderbird does is not verified.")
def _():
    name = "予定表.xls"
    data = sjis(name)
    assert data.count(b"\\") == 2
    att = attachment("xls", raw_param("name", data), raw_param("filename", data))
    line = "来月の作業予定表を添付いたします。"
    return msg(YAMADA, jword("作業予定表"), with_file(line, att),
               subject="作業予定表", sender=YAMADA_SHOWN, body=line, names=[name])


# --- Controls: mail that already reads right -------------------------------------------------


@case("control", "whole ISO-2022-JP words in From and Subject, ISO-2022-JP body")
def _():
    line = "明日の会議は十時からです。"
    return msg(YAMADA, jword("会議の件"), text_part(letter(line)),
               subject="会議の件", sender=YAMADA_SHOWN, body=line)


@case("control", "UTF-8 B subject, Shift_JIS body with its charset label")
def _():
    line = "添付の仕様書に基づきお見積りをお願いいたします。"
    part = text_part(letter(line), "Shift_JIS", "cp932", "8bit")
    return msg(YAMADA, bword("UTF-8", u8("お見積りのお願い")), part,
               subject="お見積りのお願い", sender=YAMADA_SHOWN, body=line)


@case("control", "UTF-8 Q subject, quoted-printable UTF-8 body, one-segment RFC 2231 name")
def _():
    line = "ご依頼の資料を添付いたします。"
    name = "見積依頼書.doc"
    att = attachment("doc", b"", b";\r\n filename*=UTF-8''" + pct(u8(name)))
    part = multipart(utf8_text(line, "quoted-printable"), att)
    return msg(YAMADA, qword("UTF-8", u8("資料送付のご連絡")), part,
               subject="資料送付のご連絡", sender=YAMADA_SHOWN, body=line, names=[name])


@case("control", "two whole ISO-2022-JP words folded, EUC-JP base64 body with its label")
def _():
    line = "来週の打ち合わせは予定どおり行います。"
    part = text_part(letter(line), "EUC-JP", "euc_jp", "base64")
    return msg(YAMADA, fold([jword("来週の"), jword("打ち合わせについて")]), part,
               subject="来週の打ち合わせについて", sender=YAMADA_SHOWN, body=line)
