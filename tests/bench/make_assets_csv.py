#!/usr/bin/env python3
"""Writes a Lansweeper-style asset CSV for the import and list benchmarks.

    make_assets_csv.py OUT.csv ROWS [SEED]

Semicolon separated, day/month/year dates, amounts like "1.049,50 €" (read
with tests/bench/lansweeper.toml). Every row is a distinct device: 24
models over 8 categories, 12 sites, statuses spread like a real fleet
(most deployed), a few hundred people as assignees.
"""
import random
import sys

out, rows = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2026)
models = [
    ("Dell", "Latitude 7440", "Laptop"), ("Dell", "Latitude 5540", "Laptop"),
    ("Lenovo", "ThinkPad T14 Gen 5", "Laptop"), ("Lenovo", "ThinkPad X1 Carbon", "Laptop"),
    ("Apple", "MacBook Air M3", "Laptop"), ("HP", "EliteBook 840 G10", "Laptop"),
    ("HP", "EliteDesk 800 G6", "Windows"), ("Dell", "OptiPlex 7010", "Windows"),
    ("Lenovo", "ThinkCentre M70q", "Windows"), ("Dell", "U2723QE", "Monitor"),
    ("LG", "27UP850", "Monitor"), ("Samsung", "S27R650", "Monitor"),
    ("Apple", "iPhone 15", "Phone"), ("Samsung", "Galaxy S24", "Phone"),
    ("Google", "Pixel 8", "Phone"), ("Apple", "iPad Air", "Tablet"),
    ("Samsung", "Galaxy Tab S9", "Tablet"), ("Dell", "PowerEdge R760", "Server"),
    ("HPE", "ProLiant DL380", "Server"), ("Cisco", "Catalyst 9300", "Switch"),
    ("Ubiquiti", "U6 Pro", "Switch"), ("Logitech", "MX Keys", "Peripheral"),
    ("Dell", "WD19S Dock", "Peripheral"), ("Jabra", "Evolve2 65", "Peripheral"),
]
sites = ["Berlin", "Hamburg", "Munich", "Vienna", "Zurich", "Paris", "Lyon",
         "Madrid", "Milan", "Warsaw", "Prague", "Amsterdam"]
statuses = ["deployed"] * 62 + ["in_stock"] * 24 + ["in_repair"] * 4 + ["retired"] * 6 + ["ordered"] * 4
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("AssetName;AssetType;Manufacturer;Model;Serialnumber;State;Site;"
            "Purchase date;Price;Warranty date;IPAddress\n")
    for i in range(rows):
        maker, model, kind = models[rng.randrange(len(models))]
        y, m, d = rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28)
        price = rng.randint(2_000, 350_000)
        euros = f"{price // 100:,}".replace(",", ".") + f",{price % 100:02d} €"
        f.write(
            f"WS-{i:07d};{kind};{maker};{model};SN{i:09d}X;{rng.choice(statuses)};"
            f"{rng.choice(sites)};{d:02d}/{m:02d}/{y};\"{euros}\";{d:02d}.{m:02d}.{y + 3};"
            f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n"
        )
