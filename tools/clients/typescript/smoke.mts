// The spec's TypeScript client, driven against the project's mock: openapi-fetch over the types
// openapi-typescript generates from the published spec. `cargo xtask clients` generates the
// types into an ignored folder, type-checks and compiles this program with tsc, starts the mock
// on a free port, and runs it with Node.
//
// The operations come from the spec twice over: `calls` must name every operationId of the
// generated `operations` type and no other (tsc fails otherwise), and at run time the spec's
// own list must equal `calls`'s keys. Everything else (paths, IDs, paging) is read from the spec.
//
// Checks, each a failure when it does not hold: every operation answers page after page, its
// required query parameters set to the spec's examples and its cursor chain followed to the end
// (a token seen twice fails), a response of several views (the search's) read view by view; every entity of every page is
// one of the union's variants, with that variant's fields; the library songs chain lists
// exactly the mock's library size in its groups (each page's own entity is the user), in ceil(size / limit) pages; a 404 comes back as `error`,
// typed as and holding the V1 error body.

import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, operations, paths } from "../generated/typescript/amazon-music-views.js";

type Schemas = components["schemas"];
type Entity = Schemas["Entity"];
type View = Schemas["View"];
type OperationId = keyof operations;
type Query = { limit?: number; cursor?: string; query?: string };
type PathParams = Record<string, string>;

/** A small page, so that every paged view has several. */
const LIMIT = 7;
/** No view of the mock has more pages than this at LIMIT; a longer chain is a loop. */
const MAX_PAGES = 1000;
/** The operation whose chain is counted against the mock's library size. */
const COUNTED: OperationId = "getLibrarySongsView";
/** An album ID the mock does not serve. */
const MISSING_ALBUM = "B0NOSUCHALBUM";

function argument(name: string): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : process.argv[index + 1];
  if (value === undefined) {
    throw new Error(`--${name} is required`);
  }
  return value;
}

const url = argument("url");
const spec = JSON.parse(readFileSync(argument("spec"), "utf8")) as Spec;
const librarySize = Number(argument("library-size"));

const client = createClient<paths>({
  baseUrl: url,
  headers: { "x-api-key": argument("api-key"), Authorization: `Bearer ${argument("token")}` },
});

function param(path: PathParams, name: string): string {
  const value = path[name];
  if (value === undefined) {
    throw new Error(`no value for the path parameter ${name}`);
  }
  return value;
}

/** One call per operation of the spec; tsc holds this table to the generated operations. */
const calls = {
  getHomeView: (_path: PathParams, query: Query) => client.GET("/v1/views/home", { params: { query } }),
  getHomeGroup: (path: PathParams, query: Query) =>
    client.GET("/v1/views/home/{groupId}", { params: { path: { groupId: param(path, "groupId") }, query } }),
  getPodcastsView: (_path: PathParams, query: Query) => client.GET("/v1/views/podcasts", { params: { query } }),
  getPodcastsGroup: (path: PathParams, query: Query) =>
    client.GET("/v1/views/podcasts/{groupId}", { params: { path: { groupId: param(path, "groupId") }, query } }),
  getLibraryView: (_path: PathParams, query: Query) => client.GET("/v1/views/library", { params: { query } }),
  getLibraryGroup: (path: PathParams, query: Query) =>
    client.GET("/v1/views/library/{groupId}", { params: { path: { groupId: param(path, "groupId") }, query } }),
  getArtistView: (path: PathParams, query: Query) =>
    client.GET("/v1/views/artists/{id}", { params: { path: { id: param(path, "id") }, query } }),
  getAlbumView: (path: PathParams, _query: Query) =>
    client.GET("/v1/views/albums/{id}", { params: { path: { id: param(path, "id") } } }),
  getPlaylistView: (path: PathParams, query: Query) =>
    client.GET("/v1/views/playlists/{id}", { params: { path: { id: param(path, "id") }, query } }),
  getPodcastShowView: (path: PathParams, query: Query) =>
    client.GET("/v1/views/podcasts/shows/{id}", { params: { path: { id: param(path, "id") }, query } }),
  getLibraryAlbumsView: (_path: PathParams, query: Query) =>
    client.GET("/v1/views/library/albums", { params: { query } }),
  getLibraryArtistsView: (_path: PathParams, query: Query) =>
    client.GET("/v1/views/library/artists", { params: { query } }),
  getLibrarySongsView: (_path: PathParams, query: Query) =>
    client.GET("/v1/views/library/songs", { params: { query } }),
  getLibraryPlaylistsView: (_path: PathParams, query: Query) =>
    client.GET("/v1/views/library/playlists", { params: { query } }),
  getLibraryPodcastsView: (_path: PathParams, query: Query) =>
    client.GET("/v1/views/library/podcasts", { params: { query } }),
  getRecentlyPlayedView: (_path: PathParams, query: Query) =>
    client.GET("/v1/views/recent", { params: { query } }),
  getSearchView: (_path: PathParams, query: Query) =>
    client.GET("/v1/search", { params: { query: { ...query, query: query.query ?? "" } } }),
} satisfies Record<OperationId, unknown>; // a missing or an extra operationId does not compile

/** What a variant-only field of each entity says: each branch sees its own variant's fields. */
function label(entity: Entity): unknown {
  switch (entity._type) {
    case "Album":
      return entity.title;
    case "Artist":
      return entity.name;
    case "Track":
      return entity.isrc;
    case "Playlist":
      return entity.title;
    case "PodcastShow":
      return entity.author;
    case "PodcastEpisode":
      return entity.podcast.title;
    case "Station":
      return entity.name;
    case "User":
      return entity.name;
    default: {
      // Compiles only while every `_type` of the union has its case.
      const unhandled: never = entity;
      return unhandled;
    }
  }
}

function entitiesOf(view: View): Entity[] {
  const own = view.entity === undefined ? [] : [view.entity];
  return own.concat(view.content.entityGroups.flatMap((group) => group.content.entities));
}

type Paging = "groups" | "entities" | "none";

function nextToken(view: View, paging: Paging): string | undefined {
  if (paging === "groups") {
    return view.content.nextPageToken ?? undefined;
  }
  if (paging === "entities") {
    return view.content.entityGroups.map((group) => group.content.nextPageToken).find((token) => !!token) ?? undefined;
  }
  return undefined;
}

interface Parameter {
  $ref?: string;
  name: string;
  in: string;
  required?: boolean;
  example?: string;
}
interface Spec {
  paths: Record<string, Record<string, { operationId: string; "x-paging"?: Paging; parameters?: Parameter[] }>>;
  components: { parameters: Record<string, Parameter> };
}

function resolve(parameter: Parameter): Parameter {
  const name = parameter.$ref?.replace("#/components/parameters/", "");
  return name === undefined ? parameter : (spec.components.parameters[name] ?? parameter);
}

async function main(): Promise<number> {
  const failures: string[] = [];
  const specified = Object.values(spec.paths).flatMap((item) => Object.values(item));
  const ids = specified.map((operation) => operation.operationId).sort();
  const keys = Object.keys(calls).sort();
  if (JSON.stringify(ids) !== JSON.stringify(keys)) {
    failures.push(`the calls are not the spec's operations: spec ${ids.join(",")}, calls ${keys.join(",")}`);
  }
  console.log(`${"operation".padEnd(26)} ${"paging".padEnd(9)} ${"pages".padStart(5)} ${"entities".padStart(8)}`);
  for (const operation of specified) {
    const id = operation.operationId as OperationId;
    const call = calls[id];
    if (call === undefined) {
      continue;
    }
    const parameters = (operation.parameters ?? []).map(resolve);
    const path: PathParams = {};
    for (const parameter of parameters.filter((p) => p.in === "path")) {
      path[parameter.name] = parameter.example ?? "";
    }
    const takes = (name: string) => parameters.some((p) => p.in === "query" && p.name === name);
    const paging: Paging = operation["x-paging"] ?? "none";
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    let entities = 0;
    let listed = 0;
    for (;;) {
      const query: Query = {};
      for (const parameter of parameters.filter((p) => p.in === "query" && p.required === true)) {
        (query as Record<string, unknown>)[parameter.name] = parameter.example;
      }
      if (takes("limit")) {
        query.limit = LIMIT;
      }
      if (cursor !== undefined) {
        // The client percent-encodes every query value (it ignores the spec's
        // `allowReserved`): given the token decoded once, it puts on the wire what the server
        // reads as the token as received.
        query.cursor = decodeURIComponent(cursor);
      }
      let result;
      try {
        result = await call(path, query);
      } catch (error) {
        failures.push(`${id} page ${pages + 1}: ${String(error)}`);
        break;
      }
      if (result.data === undefined) {
        failures.push(`${id} page ${pages + 1}: ${result.response.status} ${JSON.stringify(result.error)}`);
        break;
      }
      pages += 1;
      // `data` is one view, or an array of views (the search's).
      const data: View | View[] = result.data.data;
      const views = Array.isArray(data) ? data : [data];
      const view = views[0];
      if (view === undefined) {
        failures.push(`${id} page ${pages}: no view`);
        break;
      }
      for (const [index, entity] of views.flatMap(entitiesOf).entries()) {
        if (typeof label(entity) !== "string") {
          failures.push(`${id} page ${pages} entity ${index}: not a ${entity._type}: ${JSON.stringify(entity)}`);
        }
        entities += 1;
      }
      listed += views
        .flatMap((each) => each.content.entityGroups)
        .reduce((sum, group) => sum + group.content.entities.length, 0);
      cursor = takes("cursor") ? nextToken(view, paging) : undefined;
      if (cursor === undefined) {
        break;
      }
      if (seen.has(cursor)) {
        failures.push(`${id}: the token ${cursor} came twice`);
        break;
      }
      seen.add(cursor);
      if (pages >= MAX_PAGES) {
        failures.push(`${id}: more than ${MAX_PAGES} pages`);
        break;
      }
    }
    console.log(`${id.padEnd(26)} ${paging.padEnd(9)} ${String(pages).padStart(5)} ${String(entities).padStart(8)}`);
    if (id === COUNTED) {
      const wantPages = Math.ceil(librarySize / LIMIT);
      if (pages !== wantPages || listed !== librarySize) {
        failures.push(
          `${COUNTED}: ${pages} pages and ${listed} songs, but the mock holds ${librarySize} songs, ${wantPages} pages of ${LIMIT}`,
        );
      }
    }
  }

  const missing = await client
    .GET("/v1/views/albums/{id}", { params: { path: { id: MISSING_ALBUM } } })
    .catch((error: unknown) => {
      failures.push(`getAlbumView(${MISSING_ALBUM}): ${String(error)}`);
      return undefined;
    });
  if (missing === undefined) {
    // Reported above.
  } else if (missing.response.status !== 404 || missing.error === undefined) {
    failures.push(`getAlbumView(${MISSING_ALBUM}): ${missing.response.status}, not a 404 with an error body`);
  } else {
    // Typed as the V1 error body: `error.error.code` compiles only if it is.
    const body: Schemas["ErrorResponse"] = missing.error;
    if (body.error.status !== "404" || body.error.code !== "NOT_FOUND") {
      failures.push(`the 404's error is not the V1 error body: ${JSON.stringify(body)}`);
    } else {
      console.log(`404: error typed as ErrorResponse, code=${body.error.code}: ${body.error.message}`);
    }
  }

  // What to watch for: the types are not checked at run time. An entity of a new `_type` comes
  // through typed as `Entity` and reaches a switch's default branch: handle it there.
  const unknown = JSON.parse('{"_type": "MusicVideo", "id": "v1"}') as Entity;
  if (label(unknown) !== unknown) {
    failures.push("an entity of an unknown `_type` did not reach the default branch");
  } else {
    console.log("watch: an entity of an unknown `_type` passes decoding unchecked and reaches the default branch");
  }

  if (failures.length > 0) {
    console.error(["FAILED:", ...failures].join("\n"));
    return 1;
  }
  console.log(`typescript: openapi-fetch over openapi-typescript's types passed: ${specified.length} operations`);
  return 0;
}

process.exitCode = await main();
