# temporary: aggregate findings over all roles (not committed)
import collections

from django.test import Client

from tests.core.test_chinese_pages import ROLES, crawl
from yingji.core.models import User


def test_report(web, demo_county):
    agg = collections.defaultdict(set)
    for username in [*ROLES, None]:
        client, user = (Client(), None) if username is None else (web(username), User.objects.get(username=username))
        for url, words in crawl(client, user).items():
            for w in words:
                agg[w].add(url)
    with open("/tmp/i18n-report.txt", "w") as f:
        for w in sorted(agg, key=lambda w: (-len(agg[w]), w)):
            urls = sorted(agg[w])
            f.write(f"{w}\t{len(urls)}\t{' '.join(urls[:6])}\n")
