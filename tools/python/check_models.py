"""Validates every example of the spec with the pydantic models datamodel-code-generator makes.

Run by `cargo xtask python` (a gate step), after it generates the models. Fails unless:

- PyYAML reads the YAML bundle as the same document as the JSON bundle;
- every `components/examples` value validates with the model of each schema whose media type
  lists it, and dumps back to exactly the example (so no field of an example is unknown to the
  models, and no value changes on the way);
- `Entity` is a union discriminated by `_type`: its root field names a discriminator, pydantic
  compiles it to a tagged union over exactly the spec's mapping, an unknown `_type` fails as an
  invalid tag, a malformed entity is reported against its own variant only, and each `_type` in
  the examples picks the model the mapping names;
- a page that holds an entity of an unknown `_type` decodes tolerantly, as the spec's `Entity`
  description asks of clients: the strict models reject the page, but taking the unknown entity
  out first, the rest of the page validates with the models, the unknown entity is kept as the
  raw dict it came as, and putting it back where it was gives the page unchanged. The fallback
  covers unknown tags only: a malformed entity of a known `_type` still fails.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pydantic
import yaml

SCHEMA_PREFIX = "#/components/schemas/"
EXAMPLE_PREFIX = "#/components/examples/"

# An entity of a `_type` the spec does not know (yet): what a new kind of entity could look like.
UNKNOWN_ENTITY = {
    "_type": "Video",
    "id": "v1",
    "title": "A video",
    "images": [{"url": "https://m.media-amazon.com/images/I/video.jpg"}],
    "duration": 42,
}

# Where an entity sits in a view body: ("entity",) for the view's own, or
# ("entityGroups", group index, entity index).
Position = tuple[Any, ...]


def load_models(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the models from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def example_schemas(node: Any, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Each (example, schema) pair such that a media type with that schema lists that example."""
    if isinstance(node, dict):
        schema = node.get("schema")
        examples = node.get("examples")
        if isinstance(schema, dict) and isinstance(examples, dict):
            reference = schema.get("$ref", "")
            if reference.startswith(SCHEMA_PREFIX):
                for example in examples.values():
                    example_reference = example.get("$ref", "") if isinstance(example, dict) else ""
                    if example_reference.startswith(EXAMPLE_PREFIX):
                        pairs.add(
                            (
                                example_reference.removeprefix(EXAMPLE_PREFIX),
                                reference.removeprefix(SCHEMA_PREFIX),
                            )
                        )
        for value in node.values():
            example_schemas(value, pairs)
    elif isinstance(node, list):
        for item in node:
            example_schemas(item, pairs)
    return pairs


def check_examples(models: ModuleType, spec: dict[str, Any]) -> tuple[int, list[str]]:
    failures: list[str] = []
    pairs = example_schemas(spec, set())
    validated = 0
    for name, example in spec["components"]["examples"].items():
        schemas = sorted(schema for example_name, schema in pairs if example_name == name)
        if not schemas:
            failures.append(f"{name}: no media type with a schema uses it")
        for schema in schemas:
            model = getattr(models, schema, None)
            if model is None:
                failures.append(f"{name}: the models have no {schema}")
                continue
            try:
                instance = model.model_validate(example["value"])
            except pydantic.ValidationError as error:
                failures.append(f"{name} as {schema}: {error}")
                continue
            dumped = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if dumped != example["value"]:
                failures.append(f"{name} as {schema}: does not dump back to the example")
                continue
            validated += 1
    return validated, failures


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def entities(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every entity in the examples: the members of `entities` arrays and views' `entity`."""
    for node in walk(spec["components"]["examples"]):
        for entity in node.get("entities", []) if isinstance(node.get("entities"), list) else []:
            yield entity
        if isinstance(node.get("entity"), dict):
            yield node["entity"]


def check_discriminator(models: ModuleType, spec: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    schema = spec["components"]["schemas"]["Entity"]
    mapping = {
        tag: reference.removeprefix(SCHEMA_PREFIX)
        for tag, reference in schema["discriminator"]["mapping"].items()
    }
    entity = getattr(models, "Entity", None)
    if entity is None:
        return ["the models have no Entity"]

    root = entity.model_fields.get("root")
    if root is None or root.discriminator is None:
        failures.append("Entity's root field has no discriminator: the union is not tagged")

    tagged = [
        node
        for node in walk(entity.__pydantic_core_schema__)
        if node.get("type") == "tagged-union"
    ]
    if not any(set(node["choices"]) == set(mapping) for node in tagged):
        failures.append(
            f"pydantic compiled no tagged union over {sorted(mapping)} "
            f"(tagged unions: {[sorted(node['choices']) for node in tagged]})"
        )

    try:
        entity.model_validate({"_type": "Video", "id": "v1"})
        failures.append("an entity of unknown _type validated")
    except pydantic.ValidationError as error:
        kinds = [detail["type"] for detail in error.errors()]
        if kinds != ["union_tag_invalid"]:
            failures.append(f"an unknown _type failed as {kinds}, not as an invalid tag")

    try:
        entity.model_validate({"_type": "Album", "id": "a1"})
        failures.append("an Album without its required fields validated")
    except pydantic.ValidationError as error:
        elsewhere = [detail["loc"] for detail in error.errors() if detail["loc"][:1] != ("Album",)]
        if elsewhere:
            failures.append(f"a malformed Album was checked against other variants too: {elsewhere}")

    seen: set[str] = set()
    for value in entities(spec):
        tag = value.get("_type")
        if tag in seen or tag not in mapping:
            continue
        seen.add(tag)
        chosen = type(entity.model_validate(value).root).__name__
        if chosen != mapping[tag]:
            failures.append(f"_type {tag} chose {chosen}, not {mapping[tag]}")
    missing = sorted(set(mapping) - seen)
    if missing:
        failures.append(f"no example has an entity of _type {missing}")
    return failures


def known_types(spec: dict[str, Any]) -> set[str]:
    """The `_type` values the spec's `Entity` discriminator maps."""
    return set(spec["components"]["schemas"]["Entity"]["discriminator"]["mapping"])


def split_unknown(
    page: dict[str, Any], known: set[str]
) -> tuple[dict[str, Any], list[tuple[Position, Any]]]:
    """A copy of a view body without its entities of an unknown `_type`, and those entities as
    they came, each with its position, in page order."""
    rest = copy.deepcopy(page)
    unknown: list[tuple[Position, Any]] = []
    data = rest["data"]
    entity = data.get("entity")
    if entity is not None and not (isinstance(entity, dict) and entity.get("_type") in known):
        unknown.append((("entity",), data.pop("entity")))
    for group_index, group in enumerate(data["content"]["entityGroups"]):
        kept = []
        for entity_index, value in enumerate(group["content"]["entities"]):
            if isinstance(value, dict) and value.get("_type") in known:
                kept.append(value)
            else:
                unknown.append((("entityGroups", group_index, entity_index), value))
        group["content"]["entities"] = kept
    return rest, unknown


def decode_tolerantly(
    models: ModuleType, page: dict[str, Any], known: set[str]
) -> tuple[Any, list[tuple[Position, Any]]]:
    """Decodes a view body as a client should: the entities of an unknown `_type` are kept as
    raw values, with their positions, and everything else validates with the models (a malformed
    entity of a known `_type` raises, as it should)."""
    rest, unknown = split_unknown(page, known)
    return models.ViewResponse.model_validate(rest), unknown


def reassemble(view: Any, unknown: list[tuple[Position, Any]]) -> dict[str, Any]:
    """The decoded page as JSON, with the raw entities put back where they were."""
    page = view.model_dump(mode="json", by_alias=True, exclude_unset=True)
    for position, value in unknown:
        if position == ("entity",):
            page["data"]["entity"] = value
        else:
            _, group_index, entity_index = position
            entities = page["data"]["content"]["entityGroups"][group_index]["content"]["entities"]
            entities.insert(entity_index, value)
    return page


def entity_count(page: dict[str, Any]) -> int:
    data = page["data"]
    own = 0 if data.get("entity") is None else 1
    return own + sum(len(group["content"]["entities"]) for group in data["content"]["entityGroups"])


def check_tolerant_decoding(models: ModuleType, spec: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    known = known_types(spec)
    if UNKNOWN_ENTITY["_type"] in known:
        return [f"the spec knows {UNKNOWN_ENTITY['_type']}: pick another unknown _type"]

    def first_group(page: dict[str, Any]) -> list[Any]:
        groups = page.get("data", {}).get("content", {}).get("entityGroups", [])
        return groups[0]["content"]["entities"] if groups else []

    examples = spec["components"]["examples"].items()
    chosen = next((name for name, ex in examples if len(first_group(ex["value"])) >= 2), None)
    if chosen is None:
        return ["no view example has a first group with two entities or more"]
    page = copy.deepcopy(spec["components"]["examples"][chosen]["value"])
    first_group(page).insert(1, UNKNOWN_ENTITY)
    what = f"{chosen} with a {UNKNOWN_ENTITY['_type']} entity"

    try:
        models.ViewResponse.model_validate(page)
        failures.append(f"{what}: the strict models took it; the tolerant decode proves nothing")
    except pydantic.ValidationError as error:
        kinds = {detail["type"] for detail in error.errors()}
        if kinds != {"union_tag_invalid"}:
            failures.append(f"{what}: the strict models failed with {sorted(kinds)}, not a bad tag")

    try:
        view, unknown = decode_tolerantly(models, page, known)
    except pydantic.ValidationError as error:
        return failures + [f"{what}: the rest of the page does not validate: {error}"]
    if unknown != [(("entityGroups", 0, 1), UNKNOWN_ENTITY)]:
        failures.append(f"{what}: kept {unknown!r}, not the unknown entity at its position")
    if not all(type(value) is dict for _, value in unknown):
        failures.append(f"{what}: the unknown entity is not kept as a raw dict")
    decoded = view.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if entity_count(decoded) + len(unknown) != entity_count(page):
        failures.append(f"{what}: entities were lost")
    if reassemble(view, unknown) != page:
        failures.append(f"{what}: decoded, with the unknown entity put back, it is another page")

    malformed = copy.deepcopy(page)
    first_group(malformed)[0] = {"_type": "Album", "id": "a1"}
    try:
        decode_tolerantly(models, malformed, known)
        failures.append(f"{what}: a malformed Album on the page decoded tolerantly")
    except pydantic.ValidationError:
        pass
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, required=True, help="the generated models module")
    parser.add_argument("--spec", type=Path, required=True, help="the JSON bundle")
    parser.add_argument("--yaml", type=Path, required=True, help="the YAML bundle")
    arguments = parser.parse_args()

    spec = json.loads(arguments.spec.read_text(encoding="utf-8"))
    failures: list[str] = []
    if yaml.safe_load(arguments.yaml.read_text(encoding="utf-8")) != spec:
        failures.append(f"PyYAML reads {arguments.yaml} as another document than {arguments.spec}")

    models = load_models(arguments.models)
    validated, example_failures = check_examples(models, spec)
    failures += example_failures
    failures += check_discriminator(models, spec)
    failures += check_tolerant_decoding(models, spec)

    if failures:
        print(f"python: {len(failures)} problem(s):", file=sys.stderr)
        for failure in failures:
            print(f"- {failure}", file=sys.stderr)
        return 1
    print(
        f"python: {validated} examples validate with the pydantic {pydantic.VERSION} models and "
        "dump back unchanged; Entity is a union discriminated by _type; a page with an entity of "
        f"an unknown _type ({UNKNOWN_ENTITY['_type']}) decodes tolerantly, the entity kept raw"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
