"""How long loading the référentiel takes, and how much memory its in-process copy holds."""

import time
import tracemalloc

from learning_content.loader import CONTENT_DIR, load_content
from learning_content.parsing import parse_content_dir
from learning_content.repository import build_content, current_version, invalidate_content_cache


def run():
    started = time.perf_counter()
    parsed = parse_content_dir(CONTENT_DIR)
    parse_seconds = time.perf_counter() - started

    started = time.perf_counter()
    load_content(CONTENT_DIR)
    first_load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    load_content(CONTENT_DIR)
    reload_seconds = time.perf_counter() - started

    invalidate_content_cache()
    tracemalloc.start()
    started = time.perf_counter()
    content = build_content(current_version())
    build_seconds = time.perf_counter() - started
    size, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "challenges": len(parsed.challenges),
        "skills": len(parsed.skills),
        "parse_files_s": round(parse_seconds, 3),
        "load_into_db_s (first, includes parse)": round(first_load_seconds, 3),
        "reload_unchanged_s": round(reload_seconds, 3),
        "build_memory_copy_s": round(build_seconds, 3),
        "memory_copy_MiB": round(size / 2**20, 2),
        "_content": content,
    }
