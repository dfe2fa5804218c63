"""The Python client openapi-generator makes from the published spec, driven against the mock.

Run by `cargo xtask clients`, which generates the client (openapi-generator's `python`
generator) into an ignored folder, starts the project's mock server on a free port, and passes
its URL and credentials here. Nothing in this program lists the operations: it reads them from
the spec, finds each one's method on the generated client, and fails if the client has a method
the spec does not know, or lacks one it does.

Checks, each a failure when it does not hold:
- every operation answers, page after page, its required query parameters set to the spec's
  examples: its cursor chain is followed to the end (a token seen twice fails), each token sent
  back exactly as received; a response of several views (the search's) is read view by view;
- every entity of every page decodes to the model class its `_type` names;
- the library songs chain lists exactly what the mock was started with: `--library-size`
  songs in its groups (each page's own entity is the user), in ceil(size / limit) pages;
- a 404 raises the generator's `NotFoundException`, whose `data` is the V1 error body;
- (what to watch for) a page holding an entity of an unknown `_type` fails to decode whole.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import re
import sys
import urllib.parse
from typing import Any

#: A small page, so that every paged view has several.
LIMIT = 7
#: No view of the mock has more pages than this at LIMIT; a chain longer than this is a loop.
MAX_PAGES = 1000
#: The operation whose chain is counted against the mock's library size.
COUNTED = "getLibrarySongsView"
#: An album ID the mock does not serve.
MISSING_ALBUM = "B0NOSUCHALBUM"


def snake(name: str) -> str:
    """`getHomeView` as the generator names its method: `get_home_view`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def resolve(spec: dict, node: dict) -> dict:
    """`node`, or what its `$ref` points at."""
    reference = node.get("$ref")
    if reference is None:
        return node
    target: Any = spec
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    return target


def operations(spec: dict) -> list[dict]:
    """Every operation of the spec: its ID, its paging, and its parameters by location."""
    found = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            parameters = [resolve(spec, p) for p in shared + operation.get("parameters", [])]
            found.append(
                {
                    "id": operation["operationId"],
                    "path": path,
                    "paging": operation.get("x-paging", "none"),
                    "path_params": {p["name"]: p["example"] for p in parameters if p["in"] == "path"},
                    "query": {p["name"] for p in parameters if p["in"] == "query"},
                    "required_query": {
                        p["name"]: p["example"] for p in parameters if p["in"] == "query" and p.get("required")
                    },
                }
            )
    return found


def next_token(view: Any, paging: str) -> str | None:
    """The cursor of the next page, where the spec's `x-paging` says it is."""
    if paging == "groups":
        return view.content.next_page_token or None
    if paging == "entities":
        for group in view.content.entity_groups:
            if group.content.next_page_token:
                return group.content.next_page_token
    return None


def raw_entities(view: dict) -> list[dict]:
    """Every entity of a raw page, in order: the view's own, then each group's."""
    found = [view["entity"]] if view.get("entity") is not None else []
    for group in view["content"]["entityGroups"]:
        found.extend(group["content"]["entities"])
    return found


def decoded_entities(view: Any) -> list[Any]:
    """Every entity of a decoded page, in the order of `raw_entities`."""
    found = [view.entity] if view.entity is not None else []
    for group in view.content.entity_groups:
        found.extend(group.content.entities)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", required=True, help="the folder the client was generated to")
    parser.add_argument("--package", required=True, help="its package name")
    parser.add_argument("--spec", required=True, help="the published spec, as JSON")
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--library-size", required=True, type=int)
    args = parser.parse_args()

    sys.path.insert(0, args.client)
    client = importlib.import_module(args.package)
    models = importlib.import_module(f"{args.package}.models")
    exceptions = importlib.import_module(f"{args.package}.exceptions")
    with open(args.spec, encoding="utf-8") as file:
        spec = json.load(file)

    configuration = client.Configuration(
        host=args.url, api_key={"apiKey": args.api_key}, access_token=args.token
    )
    apis = [
        getattr(client, name)(client.ApiClient(configuration))
        for name in dir(client)
        if name.endswith("Api") and isinstance(getattr(client, name), type)
    ]
    methods = {}
    for api in apis:
        for name in dir(api):
            if name.startswith("_") or name.endswith(("_with_http_info", "_without_preload_content")):
                continue
            if callable(getattr(api, name)) and name != "api_client":
                methods[name] = getattr(api, name)

    failures: list[str] = []
    specified = operations(spec)
    expected = {snake(operation["id"]) for operation in specified}
    if set(methods) != expected:
        failures.append(
            f"the client's methods are not the spec's operations: only in the client "
            f"{sorted(set(methods) - expected)}, only in the spec {sorted(expected - set(methods))}"
        )

    print(f"{'operation':<26} {'paging':<9} {'pages':>5} {'entities':>8}")
    for operation in specified:
        method = methods.get(snake(operation["id"]))
        if method is None:
            continue
        with_info = getattr(method.__self__, f"{snake(operation['id'])}_with_http_info")
        arguments = {snake(name): value for name, value in operation["path_params"].items()}
        arguments.update({snake(name): value for name, value in operation["required_query"].items()})
        if "limit" in operation["query"]:
            arguments["limit"] = LIMIT
        cursor = None
        seen: set[str] = set()
        pages = entities = listed = 0
        try:
            while True:
                if cursor is not None:
                    # The generated client percent-encodes every query value (it ignores the
                    # spec's `allowReserved`): given the token decoded once, it puts on the wire
                    # what the server reads as the token as received.
                    arguments["cursor"] = urllib.parse.unquote(cursor)
                response = with_info(**arguments)
                pages += 1
                # `data` is one view, or an array of views (the search's): read them in order.
                data = response.data.data
                views = data if isinstance(data, list) else [data]
                raw_data = json.loads(response.raw_data)["data"]
                raw_views = raw_data if isinstance(raw_data, list) else [raw_data]
                if len(views) != len(raw_views):
                    failures.append(f"{operation['id']} page {pages}: {len(views)} views decoded of {len(raw_views)}")
                raw = [entity for raw_view in raw_views for entity in raw_entities(raw_view)]
                decoded = [entity for view in views for entity in decoded_entities(view)]
                for index, (entity, original) in enumerate(zip(decoded, raw, strict=True)):
                    instance = entity.actual_instance
                    if type(instance).__name__ != original["_type"] or not isinstance(
                        instance, getattr(models, original["_type"])
                    ):
                        failures.append(
                            f"{operation['id']} page {pages} entity {index}: `_type` "
                            f"{original['_type']} decoded as {type(instance).__name__}"
                        )
                entities += len(decoded)
                listed += sum(len(group.content.entities) for view in views for group in view.content.entity_groups)
                cursor = next_token(views[0], operation["paging"]) if "cursor" in operation["query"] else None
                if cursor is None:
                    break
                if cursor in seen:
                    failures.append(f"{operation['id']}: the token {cursor!r} came twice")
                    break
                seen.add(cursor)
                if pages >= MAX_PAGES:
                    failures.append(f"{operation['id']}: more than {MAX_PAGES} pages")
                    break
        except Exception as error:  # noqa: BLE001 - every failure is reported, then the next operation
            failures.append(f"{operation['id']} page {pages + 1}: {type(error).__name__}: {error}")
        print(f"{operation['id']:<26} {operation['paging']:<9} {pages:>5} {entities:>8}")
        if operation["id"] == COUNTED:
            want_pages = math.ceil(args.library_size / LIMIT)
            if (pages, listed) != (want_pages, args.library_size):
                failures.append(
                    f"{COUNTED}: {pages} pages and {listed} songs, but the mock holds "
                    f"{args.library_size} songs, {want_pages} pages of {LIMIT}"
                )

    album_view = methods.get(snake("getAlbumView"))
    try:
        album_view(id=MISSING_ALBUM)
        failures.append(f"getAlbumView({MISSING_ALBUM}) did not raise")
    except exceptions.NotFoundException as error:
        body = error.data
        if not isinstance(body, models.ErrorResponse) or body.error.status != "404" or body.error.code != "NOT_FOUND":
            failures.append(f"the 404's data is not the V1 error body: {body!r}")
        else:
            print(f"404: NotFoundException carrying ErrorResponse code={body.error.code}: {body.error.message}")
    except Exception as error:  # noqa: BLE001
        failures.append(f"getAlbumView({MISSING_ALBUM}) raised {type(error).__name__}, not NotFoundException: {error}")

    # What to watch for: the union is closed. One entity of a new `_type` fails the whole page.
    page = {
        "data": {
            "_type": "View",
            "id": "home",
            "content": {
                "_type": "ViewContent",
                "entityGroups": [
                    {
                        "_type": "EntityGroup",
                        "id": "g",
                        "viewType": "LIST",
                        "content": {"entities": [{"_type": "MusicVideo", "id": "v1"}]},
                    }
                ],
            },
        }
    }
    try:
        models.ViewResponse.from_json(json.dumps(page))
        failures.append(
            "a page holding an unknown `_type` now decodes: the 'what to watch for' of docs/other-languages.md is stale"
        )
    except ValueError:
        print("watch: a page holding an entity of an unknown `_type` fails to decode whole (closed union)")

    if failures:
        print("\n".join(["FAILED:", *failures]), file=sys.stderr)
        return 1
    print(f"python: openapi-generator's client passed: {len(specified)} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
