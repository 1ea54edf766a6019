#!/usr/bin/env python3
"""Writes a realistic, reproducible usage log for demos and screenshots of the Usage page.

JSON Lines in the format `keydeckctl usage import` reads, keys named by label. The same seed
gives the same file. Traffic follows office hours and weekdays, grows a little every day, and
has the errors a real gateway sees: rate limits at peak, client errors from staging and
developer keys, a two-hour upstream incident on one provider's models. Events carry no cost: the store prices them from its
price table, as it does for a real log without one.

    python3 tools/make-demo-usage.py --labels | while read -r label; do
        keydeckctl keys create --label "$label" --no-keychain
    done
    python3 tools/make-demo-usage.py --out demo-usage.jsonl
    keydeckctl usage import demo-usage.jsonl
"""

import argparse
import datetime as dt
import json
import math
import random
import sys

# label, requests per peak hour, offset of the users' office hours from UTC, model mix,
# share of 429 at peak, share of 4xx otherwise
KEYS = [
    ("prod-web-app", 40, 0, {"gpt-4o": 5, "gpt-4o-mini": 10, "claude-3-5-haiku": 2}, 0.020, 0.004),
    ("prod-mobile-api", 30, -5, {"gpt-4o-mini": 12, "gemini-1.5-flash": 4}, 0.010, 0.006),
    ("prod-search", 23, 0, {"text-embedding-3-small": 10, "gpt-4o-mini": 2}, 0.004, 0.002),
    ("prod-support-bot", 15, 1, {"claude-3-5-sonnet": 6, "claude-3-5-haiku": 3}, 0.006, 0.003),
    ("sales-assistant", 7, -5, {"gpt-4o": 4, "claude-3-5-sonnet": 2}, 0.004, 0.004),
    ("marketing-copy", 4, 1, {"claude-3-5-sonnet": 3, "gpt-4o": 1}, 0.002, 0.010),
    ("analytics-reports", 3, 0, {"gpt-4o": 2, "gemini-1.5-flash": 3}, 0.002, 0.004),
    ("data-pipeline", 10, None, {"gpt-4o-mini": 6, "text-embedding-3-small": 6}, 0.030, 0.002),
    ("batch-embeddings", 8, None, {"text-embedding-3-small": 1}, 0.050, 0.001),
    ("staging-web-app", 5, 0, {"gpt-4o-mini": 3, "gpt-4o": 1}, 0.004, 0.030),
    ("staging-mobile-api", 3, -5, {"gpt-4o-mini": 2, "gemini-1.5-flash": 1}, 0.004, 0.030),
    ("ci-tests", 5, None, {"gpt-4o-mini": 4, "claude-3-5-haiku": 2}, 0.002, 0.020),
    ("internal-tools", 3, 1, {"claude-3-5-haiku": 2, "gpt-4o-mini": 2}, 0.002, 0.010),
    ("dev-alice", 1, 1, {"claude-3-5-sonnet": 1, "gpt-4o": 1, "gemini-1.5-flash": 1}, 0.0, 0.060),
    ("dev-bob", 1, -5, {"gpt-4o": 1, "claude-3-5-haiku": 1}, 0.0, 0.080),
]

# model: endpoint, median prompt tokens, median completion tokens, latency ms per 100 output tokens
MODELS = {
    "gpt-4o": ("/v1/chat/completions", 1400, 420, 900),
    "gpt-4o-mini": ("/v1/chat/completions", 900, 260, 450),
    "claude-3-5-sonnet": ("/v1/messages", 1800, 520, 1000),
    "claude-3-5-haiku": ("/v1/messages", 700, 220, 380),
    "gemini-1.5-flash": ("/v1/chat/completions", 1100, 300, 350),
    "text-embedding-3-small": ("/v1/embeddings", 600, 0, 0),
}


def office_hours(hour_local):
    """Relative load over a working day: quiet at night, a peak late morning and afternoon."""
    return 0.08 + 0.92 * (math.exp(-((hour_local - 11) / 2.6) ** 2) * 0.9
                          + math.exp(-((hour_local - 15.5) / 2.4) ** 2))


def poisson(rng, mean):
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def tokens(rng, median):
    return 0 if median == 0 else max(1, int(rng.lognormvariate(math.log(median), 0.55)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=60,
                        help="days of traffic before --end (default 60: a 30-day range and the "
                             "30 days it is compared with)")
    parser.add_argument("--end", help="end of the log, RFC 3339 (default: the current hour, UTC)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every key's traffic")
    parser.add_argument("--out", help="file to write (default: standard output)")
    parser.add_argument("--labels", action="store_true", help="print the key labels and exit")
    args = parser.parse_args()

    if args.labels:
        print("\n".join(key[0] for key in KEYS))
        return

    if args.end:
        end = dt.datetime.fromisoformat(args.end.replace("Z", "+00:00"))
    else:
        end = dt.datetime.now(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=args.days)
    rng = random.Random(args.seed)
    ips = {label: [f"{net}.{rng.randrange(2, 250)}" for net in
                   rng.sample(["203.0.113", "198.51.100", "192.0.2"], 2)] for label, *_ in KEYS}
    # One upstream incident: two hours of mostly 502/503 on one provider's models.
    incident_day = start + dt.timedelta(days=max(0, args.days - 9))
    while incident_day.weekday() >= 5:
        incident_day += dt.timedelta(days=1)
    incident_start = incident_day.replace(hour=14, minute=0, second=0, microsecond=0)
    incident_models = {"claude-3-5-sonnet", "claude-3-5-haiku"}

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    count = 0
    hour = start
    while hour < end:
        day_index = (hour - start).days
        growth = 1.0 + 0.012 * day_index
        for label, peak, utc_offset, mix, peak_429, other_4xx in KEYS:
            if utc_offset is None:
                # Jobs: steady, heavier at night when they are scheduled.
                load = 0.6 + 0.6 * (hour.hour in (1, 2, 3, 4))
                weekday = 1.0
            else:
                load = office_hours((hour.hour + utc_offset) % 24)
                weekday = 0.35 if (hour + dt.timedelta(hours=utc_offset)).weekday() >= 5 else 1.0
            mean = peak * load * weekday * growth * args.scale
            models, weights = zip(*mix.items())
            for _ in range(poisson(rng, mean)):
                at = hour + dt.timedelta(seconds=rng.randrange(3600), milliseconds=rng.randrange(1000))
                model = rng.choices(models, weights)[0]
                endpoint, prompt_median, completion_median, latency_per_100 = MODELS[model]
                status = 200
                in_incident = incident_start <= at < incident_start + dt.timedelta(hours=2)
                if in_incident and model in incident_models and rng.random() < 0.6:
                    status = rng.choice([502, 503, 503])
                elif rng.random() < peak_429 * load:
                    status = 429
                elif rng.random() < other_4xx:
                    status = rng.choice([400, 400, 401, 403, 404])
                elif rng.random() < 0.0008:
                    status = 500
                ok = status < 400
                prompt = tokens(rng, prompt_median) if ok else 0
                completion = tokens(rng, completion_median) if ok else 0
                latency = (int(120 + completion * latency_per_100 / 100 * rng.uniform(0.7, 1.4))
                           if ok else rng.randrange(15, 90))
                event = {
                    "time": at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
                    "key": label,
                    "model": model,
                    "endpoint": endpoint,
                    "status": status,
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "latency_ms": latency,
                    "ip": rng.choice(ips[label]),
                    "request_id": f"req_{rng.getrandbits(64):016x}",
                }
                out.write(json.dumps(event, separators=(",", ":")) + "\n")
                count += 1
        hour += dt.timedelta(hours=1)
    if args.out:
        out.close()
    print(f"{count} events from {start:%Y-%m-%d} to {end:%Y-%m-%d %H:%M} UTC", file=sys.stderr)


if __name__ == "__main__":
    main()
