"""Text for the XML answers (the feeds and the badges). XML 1.0 cannot carry
most control characters, which names and messages typed by staff or sent to
the API may hold: they are left out, rather than the answer failing or coming
out as XML no reader parses."""

import re

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)
