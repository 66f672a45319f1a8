"""The fixed world of the demo retailer: names, places, stores, products, devices, channels.

Everything here is fictional reference data; the generator draws from it with seeded streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

RETAILER = "Harbour & Pine"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CURRENCY = "GBP"

FEMALE_NAMES = _words(
    "Olivia Amelia Isla Ava Mia Grace Sophia Lily Freya Emily Ivy Ella Rosie Evie Florence "
    "Poppy Charlotte Willow Isabella Sophie Daisy Alice Ruby Jessica Hannah Chloe Lucy Emma "
    "Sarah Laura Rebecca Katherine Elizabeth Victoria Margaret Susan Helen Rachel Amy Megan "
    "Zara Aisha Priya Fatima Maryam Niamh Siobhan Eilidh Catrin Joanne"
)
MALE_NAMES = _words(
    "Oliver George Noah Arthur Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie "
    "Thomas James William Alexander Daniel Samuel Joseph Benjamin Edward Matthew David Michael "
    "Robert Christopher Andrew Richard Peter Stephen Paul Mark Jonathan Liam Ryan Callum Connor "
    "Mohammed Omar Arjun Rahul Aidan Rhys Dylan Ewan Finlay Kieran Patrick Owen"
)
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Christopher": "Chris",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Daniel": "Dan",
    "Samuel": "Sam",
    "Joseph": "Joe",
    "Matthew": "Matt",
    "Michael": "Mike",
    "Jonathan": "Jon",
    "Edward": "Ed",
    "Thomas": "Tom",
    "James": "Jim",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
    "Jessica": "Jess",
    "Isabella": "Bella",
    "Charlotte": "Lottie",
    "Richard": "Rich",
    "Stephen": "Steve",
    "Andrew": "Andy",
    "Susan": "Sue",
    "Theodore": "Theo",
    "Frederick": "Fred",
}
SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner "
    "Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker Lee Allen Morris Khan "
    "Scott Watson Davis Parker James Bennett Young Phillips Richardson Mitchell Bailey Carter "
    "Cook Singh Shaw Bell Collins Morgan Kelly Begum Miller Cox Marshall Simpson Anderson "
    "Ellis Adams Wilkinson Ali Mason Webb Richards Hussain Chapman Russell Campbell Murphy "
    "Lloyd Stevens Holmes Hunt Knight Palmer Butler Barnes Fisher Grant Lawrence Gibson "
    "Fletcher Pearson Dixon Reid Hamilton MacDonald Sutherland Fraser Quinn Doherty OConnor "
    "Ahmed Chowdhury Nowak Kowalski Rossi Okafor Mensah Nguyen Chen Wong Fernandes Costa"
)
STREET_NAMES = _words(
    "High Church Station Victoria Park Mill Queen King Albert Manor Chapel Green School "
    "North South West New Grange Springfield Kingsway Windsor York Oxford Cambridge Highfield "
    "Richmond Elm Oak Beech Willow Cedar Maple Holly Rowan Ash Orchard Meadow Brook Bridge "
    "Castle Abbey Market Water Hill Riverside Lime Cherry Clifton Stanley Belmont"
)
STREET_TYPES = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Gardens", "Crescent")
STREET_ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Lane": "Ln",
    "Avenue": "Ave",
    "Close": "Cl",
    "Drive": "Dr",
    "Gardens": "Gdns",
    "Crescent": "Cres",
}
EMAIL_DOMAINS = (
    ("gmail.com", 0.38),
    ("hotmail.co.uk", 0.14),
    ("outlook.com", 0.1),
    ("yahoo.co.uk", 0.09),
    ("icloud.com", 0.1),
    ("btinternet.com", 0.06),
    ("live.co.uk", 0.05),
    ("sky.com", 0.04),
    ("aol.com", 0.02),
    ("protonmail.com", 0.02),
)


@dataclass(frozen=True)
class City:
    """A city with its postcode area, share of the population and local IPv4 prefix."""

    name: str
    postcode: str
    weight: float
    ip_prefix: str


CITIES = (
    City("London", "SE", 0.2, "81.98"),
    City("Manchester", "M", 0.09, "86.12"),
    City("Birmingham", "B", 0.09, "90.204"),
    City("Leeds", "LS", 0.06, "92.40"),
    City("Glasgow", "G", 0.06, "82.132"),
    City("Bristol", "BS", 0.06, "86.178"),
    City("Liverpool", "L", 0.05, "94.4"),
    City("Edinburgh", "EH", 0.05, "109.152"),
    City("Cardiff", "CF", 0.04, "31.53"),
    City("Newcastle upon Tyne", "NE", 0.04, "86.31"),
    City("Nottingham", "NG", 0.04, "2.101"),
    City("Sheffield", "S", 0.04, "151.227"),
    City("Brighton", "BN", 0.04, "212.56"),
    City("Norwich", "NR", 0.03, "5.64"),
    City("York", "YO", 0.03, "80.229"),
    City("Exeter", "EX", 0.03, "178.250"),
)


@dataclass(frozen=True)
class Store:
    """A physical store; ``city`` is an index into :data:`CITIES`."""

    store_id: str
    name: str
    city: int
    traffic: float
    opened: str


STORES = (
    Store("S01", "London Covent Garden", 0, 1.6, "2012-04-02"),
    Store("S02", "London Westfield", 0, 1.3, "2015-09-14"),
    Store("S03", "Manchester Arndale", 1, 1.2, "2013-03-11"),
    Store("S04", "Birmingham Bullring", 2, 1.1, "2014-10-06"),
    Store("S05", "Leeds Trinity", 3, 0.9, "2016-05-23"),
    Store("S06", "Glasgow Buchanan", 4, 0.9, "2017-11-20"),
    Store("S07", "Bristol Cabot Circus", 5, 0.8, "2018-08-13"),
    Store("S08", "Liverpool ONE", 6, 0.8, "2019-03-04"),
)
OPENING_HOURS = (9, 20)

CATEGORIES = {
    "womenswear": (
        ("Linen Shirt", 39),
        ("Wrap Dress", 59),
        ("Wool Coat", 149),
        ("Jeans", 49),
        ("Knit Jumper", 45),
        ("Midi Skirt", 42),
        ("Trench Coat", 129),
        ("Blouse", 35),
    ),
    "menswear": (
        ("Oxford Shirt", 39),
        ("Chinos", 45),
        ("Wool Overcoat", 159),
        ("Polo Shirt", 25),
        ("Crew Jumper", 49),
        ("Selvedge Jeans", 69),
        ("Rain Jacket", 89),
        ("Tee", 15),
    ),
    "home": (
        ("Linen Duvet Set", 89),
        ("Ceramic Mug Set", 24),
        ("Wool Throw", 65),
        ("Scented Candle", 18),
        ("Cotton Towels", 29),
        ("Table Lamp", 75),
        ("Cushion", 22),
    ),
    "beauty": (
        ("Hand Cream", 12),
        ("Eau de Parfum", 48),
        ("Body Wash", 9),
        ("Face Serum", 32),
        ("Lip Balm", 6),
        ("Gift Set", 38),
    ),
    "kids": (
        ("Dungarees", 22),
        ("Rain Boots", 20),
        ("Pyjama Set", 18),
        ("Hoodie", 19),
        ("Puffer Jacket", 39),
    ),
    "accessories": (
        ("Leather Belt", 35),
        ("Wool Scarf", 29),
        ("Tote Bag", 25),
        ("Sunglasses", 45),
        ("Leather Wallet", 39),
        ("Beanie", 15),
        ("Umbrella", 22),
    ),
}
COLOURS = ("navy", "black", "oatmeal", "sage", "rust", "grey", "white", "olive")


@dataclass(frozen=True)
class Product:
    """A catalogue product."""

    product_id: str
    sku: str
    name: str
    category: str
    price: float


@cache
def products() -> tuple[Product, ...]:
    """The product catalogue: every item of :data:`CATEGORIES` in a few colours."""
    out = []
    for c_index, (category, items) in enumerate(CATEGORIES.items()):
        for i_index, (name, price) in enumerate(items):
            for k, colour in enumerate(COLOURS[: 2 + (i_index % 3)]):
                number = c_index * 1000 + i_index * 10 + k
                out.append(
                    Product(
                        product_id=f"prd_{number:05d}",
                        sku=f"{category[:3].upper()}-{number:05d}",
                        name=f"{name} ({colour})",
                        category=category,
                        price=float(price),
                    )
                )
    return tuple(out)


WEB_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
)
MOBILE_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.0.0 Mobile Safari/537.36",
)
APP_DEVICES = (
    ("ios", "Apple", "iPhone15,2", "iOS", "17.4.1"),
    ("ios", "Apple", "iPhone14,5", "iOS", "16.7.2"),
    ("android", "samsung", "SM-S911B", "Android", "14"),
    ("android", "Google", "Pixel 7", "Android", "13"),
)
APP_VERSION = ("4.12.0", "412")

WEB_PAGES = (
    ("Home", "/", "Harbour & Pine | Clothing and Homeware"),
    ("Womenswear", "/women", "Womenswear | Harbour & Pine"),
    ("Menswear", "/men", "Menswear | Harbour & Pine"),
    ("Home & Living", "/home", "Home & Living | Harbour & Pine"),
    ("Sale", "/sale", "Sale | Harbour & Pine"),
    ("Stores", "/stores", "Find a store | Harbour & Pine"),
    ("Help", "/help", "Help centre | Harbour & Pine"),
)
SITE = "https://www.harbourandpine.co.uk"

CHANNELS = ("email", "paid_search", "social", "display", "affiliate")
PAID_CHANNELS = ("paid_search", "social", "display", "affiliate")
AD_NETWORKS = {
    "paid_search": ("google", "cpc"),
    "social": ("instagram", "paid_social"),
    "display": ("dv360", "display"),
    "affiliate": ("awin", "affiliate"),
}
