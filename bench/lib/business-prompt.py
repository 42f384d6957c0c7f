"""Writes the 2 KB business prompt of bench/default-route as a chat request body: ordinary prose with an e-mail
address, a phone number and an IBAN in it, cut to 2,048 characters. Usage: business-prompt.py OUT.json [MODEL]
(model name default bench-model). Prints the prompt's length on stderr."""
import json
import sys

prose = ("Our quarterly review covers the migration of the billing service to the new cluster, the results of the "
         "load tests, and the open questions about data retention. The team moved every scheduled job, rewrote the "
         "retry logic so that a failed payment is tried again after one, five and thirty minutes, and removed two "
         "legacy queues that nobody had read from since spring. Latency at the ninety-ninth percentile fell from "
         "eight hundred to three hundred milliseconds, and error rates stayed below one in ten thousand requests. ")
text = ("Please draft a short, friendly reply to the customer below, summarising the points of our review.\n\n"
        + prose * 3 + "\nThe customer, who wrote from anna.berger@example-mail.de and can be called on "
        "+44 20 7946 0958, asked whether the refund to IBAN GB82 WEST 1234 5698 7654 32 has been sent. " + prose)
text = text[:2048]
model = sys.argv[2] if len(sys.argv) > 2 else "bench-model"
with open(sys.argv[1], "w") as out:
    json.dump({"model": model, "messages": [{"role": "user", "content": text}]}, out)
print(f"bench: prompt of {len(text)} characters", file=sys.stderr)
