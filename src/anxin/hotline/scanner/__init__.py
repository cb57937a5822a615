"""The fake-hotline page scanner: is this page impersonating a brand's after-sales service, and why?

Pure code (no web, no database): give it page bytes or text, get a
:class:`PageResult` with a verdict (impersonation / suspicious / clean), a score
and reasons with evidence spans; give it many pages and get the number ↔ brand
graph too. Modules: ``extract`` (decoding, HTML, brands), ``signals`` (the
evidence), ``verdict`` (scoring), ``graph`` (crawl mode), ``sources`` (files,
directories, JSONL), ``registry`` (the verified-number protocol), ``lexicon``
(word lists, as data).

>>> scan_page("凯迪仕智能锁全国统一售后服务热线：400-1865-909（点击咨询）").verdict
'impersonation'
>>> reg = MappingRegistry({"凯迪仕": ["400-1865-909"]})
>>> scan_page("凯迪仕智能锁全国统一售后服务热线：400-1865-909", registry=reg).verdict
'clean'
"""

from anxin.hotline.scanner.extract import PageError
from anxin.hotline.scanner.graph import CrawlReport, NumberBrandGraph, SharedNumber, scan_crawl
from anxin.hotline.scanner.registry import HotlineRegistry, MappingRegistry
from anxin.hotline.scanner.signals import Evidence, Offer, Reason
from anxin.hotline.scanner.sources import iter_pages
from anxin.hotline.scanner.verdict import PageResult, Scanner, scan_page, scan_text

__all__ = [
    "CrawlReport",
    "Evidence",
    "HotlineRegistry",
    "MappingRegistry",
    "NumberBrandGraph",
    "Offer",
    "PageError",
    "PageResult",
    "Reason",
    "Scanner",
    "SharedNumber",
    "iter_pages",
    "scan_crawl",
    "scan_page",
    "scan_text",
]
