"""Review and support-chat text whose sentiment matches its rating and names its aspects.

Each review talks about one to three aspects (delivery, price, quality, fit, staff, packaging,
returns); each aspect is praised, neutral or criticised according to the rating, so the text's
sentiment, the star rating and the aspects recorded in the ground truth agree.
"""

from __future__ import annotations

import numpy as np

POSITIVE, NEUTRAL, NEGATIVE = 1, 0, -1

ASPECTS: dict[str, dict[int, tuple[str, ...]]] = {
    "delivery": {
        POSITIVE: (
            "Delivery was quick, it arrived the next day.",
            "Arrived earlier than promised and the courier was friendly.",
            "Fast delivery and the tracking updates were spot on.",
        ),
        NEUTRAL: ("Delivery took the usual three or four days.", "Arrived on the expected day."),
        NEGATIVE: (
            "Delivery took almost two weeks and nobody told me why.",
            "The parcel was left in the rain and the box was soaked.",
            "Tracking said delivered but it turned up three days later.",
        ),
    },
    "price": {
        POSITIVE: (
            "Great value for money.",
            "Really good price, especially in the sale.",
            "Cheaper than anywhere else I looked.",
        ),
        NEUTRAL: ("The price is about what you would expect.", "Fairly priced for what it is."),
        NEGATIVE: (
            "Far too expensive for what you get.",
            "Overpriced, it went on sale a week after I bought it.",
        ),
    },
    "quality": {
        POSITIVE: (
            "The quality is excellent, lovely thick fabric.",
            "Beautifully made and it feels like it will last.",
            "Washed it several times and it still looks brand new.",
        ),
        NEUTRAL: ("Quality is okay, nothing special.", "Decent enough material."),
        NEGATIVE: (
            "The stitching came apart after one wash.",
            "Poor quality, the fabric is thin and it pilled straight away.",
            "The colour faded after the first wash.",
        ),
    },
    "fit": {
        POSITIVE: ("Fits perfectly, true to size.", "The fit is spot on and really flattering."),
        NEUTRAL: ("Sizing is roughly as described.", "Fits a little loose but it is fine."),
        NEGATIVE: (
            "The sizing is way off, I had to go two sizes up.",
            "Far too small, the size guide is wrong.",
        ),
    },
    "staff": {
        POSITIVE: (
            "The staff in store were really helpful and friendly.",
            "The assistant at the till went out of her way to help.",
        ),
        NEUTRAL: ("Staff were polite.", "The shop was busy but the staff coped."),
        NEGATIVE: (
            "The staff were rude and ignored me at the till.",
            "Nobody in store could answer a simple question.",
        ),
    },
    "packaging": {
        POSITIVE: ("Lovely packaging, perfect as a gift.", "Neatly packed with no plastic."),
        NEUTRAL: ("Packaging was standard.",),
        NEGATIVE: ("It arrived crushed in a flimsy bag.", "Far too much plastic packaging."),
    },
    "returns": {
        POSITIVE: ("Returning the other size was easy and the refund was quick.",),
        NEUTRAL: ("The returns process is the usual form and label.",),
        NEGATIVE: (
            "The refund took a month and I had to chase it three times.",
            "Returns are a nightmare, the label never arrived.",
        ),
    },
}
TITLES = {
    5: ("Love it", "Absolutely perfect", "Brilliant", "Highly recommend"),
    4: ("Really good", "Very happy", "Nice, would buy again"),
    3: ("It's okay", "Mixed feelings", "Average"),
    2: ("Disappointed", "Not great", "Expected better"),
    1: ("Awful", "Never again", "Terrible experience"),
}
RATING_WEIGHTS = np.array([0.12, 0.08, 0.1, 0.25, 0.45])


def polarity_plan(rating: int, n_aspects: int, rng: np.random.Generator) -> list[int]:
    """Polarity of each aspect a review with this rating talks about."""
    if rating >= 4:
        base = [POSITIVE] * n_aspects
        if rating == 4 and n_aspects > 1:
            base[-1] = NEUTRAL
        return base
    if rating <= 2:
        base = [NEGATIVE] * n_aspects
        if rating == 2 and n_aspects > 1:
            base[-1] = NEUTRAL
        return base
    mix = [POSITIVE, NEGATIVE, NEUTRAL][:n_aspects]
    return [mix[i] for i in rng.permutation(len(mix))]


def review_text(
    rating: int, aspects: list[str], rng: np.random.Generator
) -> tuple[str, str, list[tuple[str, int]]]:
    """(title, body, [(aspect, polarity)]) of one review."""
    polarity = polarity_plan(rating, len(aspects), rng)
    sentences = []
    for aspect, sign in zip(aspects, polarity, strict=True):
        options = ASPECTS[aspect][sign]
        sentences.append(options[int(rng.integers(0, len(options)))])
    titles = TITLES[rating]
    return (
        titles[int(rng.integers(0, len(titles)))],
        " ".join(sentences),
        list(zip(aspects, polarity, strict=True)),
    )


CHAT_TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "order_status": (
        (
            "Hi, where is my order {order}? It was due yesterday.",
            "Hello, my order {order} still says processing.",
        ),
        (
            "I'm sorry about the wait. Order {order} left our warehouse this morning and should "
            "arrive tomorrow.",
        ),
    ),
    "return_refund": (
        (
            "I sent back order {order} two weeks ago and have not had my refund.",
            "How do I return part of order {order}?",
        ),
        (
            "I've checked and the refund for {order} was issued today; it can take 3-5 days to "
            "show.",
            "You can return it free of charge from your account page or in any store.",
        ),
    ),
    "product_question": (
        ("Does the {product} come in a larger size?", "Is the {product} machine washable?"),
        (
            "Yes, the {product} is machine washable at 30 degrees.",
            "It comes in sizes 6 to 20; the larger sizes are online only.",
        ),
    ),
    "payment_issue": (
        ("My card was charged twice for order {order}.", "The payment keeps failing at checkout."),
        (
            "I can see the second charge is a pending authorisation; it will drop off within 48 "
            "hours.",
            "Please try again now, there was a problem with our payment provider.",
        ),
    ),
    "loyalty_points": (
        (
            "My loyalty points from my last shop are missing.",
            "How many points do I have on my card?",
        ),
        ("I've added the missing points to your card; they show on your next receipt.",),
    ),
}
CLOSINGS = {
    POSITIVE: ("Brilliant, thank you so much for your help!", "Great, that's sorted then. Thanks!"),
    NEUTRAL: ("Okay, thanks.", "Fine, I'll wait and see."),
    NEGATIVE: (
        "This is unacceptable. I've been waiting for ages and I'm really unhappy.",
        "That's useless, I want to speak to a manager. Terrible service.",
    ),
}


def chat_turns(
    topic: str, csat: int, order: str, product: str, rng: np.random.Generator
) -> list[tuple[str, str]]:
    """(speaker, text) turns of a support chat that ends in the mood its CSAT score reflects."""
    questions, answers = CHAT_TOPICS[topic]
    question = questions[int(rng.integers(0, len(questions)))]
    answer = answers[int(rng.integers(0, len(answers)))]
    mood = POSITIVE if csat >= 4 else NEGATIVE if csat <= 2 else NEUTRAL
    closing = CLOSINGS[mood][int(rng.integers(0, len(CLOSINGS[mood])))]
    turns = [
        ("customer", question.format(order=order, product=product)),
        ("agent", "Thanks for getting in touch, let me look into that for you."),
        ("agent", answer.format(order=order, product=product)),
        ("customer", closing),
    ]
    if mood == NEGATIVE:
        turns.append(("agent", "I'm very sorry. I've escalated this and a manager will call you."))
    else:
        turns.append(("agent", "You're welcome, have a lovely day."))
    return turns
