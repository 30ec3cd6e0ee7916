#!/usr/bin/env python3
"""Writes COUNT distinct, typical helpdesk messages (5-20 KB each) to DIR as
NNNNNN.eml, for the mail benchmarks.

    make_mail.py DIR COUNT [SEED]

Each is a new request from one of 300 senders: plain text with a few
paragraphs, half of them multipart/alternative with an HTML part, one in
five with a small attachment. Sizes are spread evenly over 5-20 KB."""
import base64
import os
import random
import sys

out, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2026)
os.makedirs(out, exist_ok=True)
words = ("laptop screen printer toner network VPN password account badge door "
         "meeting room projector update restart error message cable dock monitor "
         "keyboard mouse license install software access folder share drive email "
         "calendar phone headset Wi-Fi floor building colleague yesterday morning "
         "urgent please thanks again since after before still cannot does not work").split()


def paragraph(n):
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


for i in range(count):
    target = rng.randint(5000, 20000)
    sender = f"user{i % 300}@example.com"
    subject = f"{paragraph(6)[:-1]} #{i}"
    head = (f"From: User {i % 300} <{sender}>\r\nTo: IT Helpdesk <helpdesk@example.org>\r\n"
            f"Subject: {subject}\r\nMessage-ID: <bench-{i}-{rng.getrandbits(48):x}@mail.example.com>\r\n"
            f"Date: Tue, 24 Nov 2026 09:{i % 60:02d}:00 +0100\r\nMIME-Version: 1.0\r\n")
    text = ""
    while len(text) < target * (0.45 if i % 2 else 0.9):
        text += paragraph(rng.randint(20, 60)) + "\r\n\r\n"
    parts = []
    if i % 2:
        html = "".join(f"<p>{p}</p>" for p in text.split("\r\n\r\n") if p)
        parts.append(("multipart/alternative", text, html))
    if i % 5 == 0:
        blob = base64.encodebytes(rng.randbytes(900)).decode().replace("\n", "\r\n")
    else:
        blob = None
    if not parts and blob is None:
        raw = head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text
    else:
        b = f"b{i}"
        raw = head + f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n'
        if parts:
            a = f"a{i}"
            raw += (f'--{b}\r\nContent-Type: multipart/alternative; boundary="{a}"\r\n\r\n'
                    f"--{a}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
                    f"--{a}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{parts[0][2]}\r\n--{a}--\r\n")
        else:
            raw += f"--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        if blob:
            raw += (f'--{b}\r\nContent-Type: application/octet-stream; name="log-{i}.bin"\r\n'
                    f'Content-Disposition: attachment; filename="log-{i}.bin"\r\n'
                    f"Content-Transfer-Encoding: base64\r\n\r\n{blob}")
        raw += f"--{b}--\r\n"
    with open(os.path.join(out, f"{i:06d}.eml"), "w") as f:
        f.write(raw)
