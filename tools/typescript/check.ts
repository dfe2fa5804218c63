// A small program written against the types openapi-typescript generates from the spec.
// `cargo xtask typescript` (a gate step) type-checks it with tsc; it is never run. It compiles
// only if the generated `Entity` is a union discriminated by `_type`: a switch on `_type` narrows
// each branch to its variant's fields, and a variant-only field is out of reach without one.

import type { components, paths } from "./generated/amazon-music-views";
import { examples } from "./generated/examples";

type Schemas = components["schemas"];
export type Entity = Schemas["Entity"];
export type ViewResponse = Schemas["ViewResponse"];

/** One line about an entity: each branch sees its own variant's fields, and only those. */
export function describe(entity: Entity): string {
  switch (entity._type) {
    case "Album":
      return `album ${entity.title}: ${entity.trackCount ?? "?"} tracks, label ${entity.label ?? "unknown"}`;
    case "Artist":
      return `artist ${entity.name}, ${entity.followerCount ?? 0} followers`;
    case "Track":
      return `track ${entity.title} (${entity.isrc}) from ${entity.album.title}`;
    case "Playlist":
      return `playlist ${entity.title}, curated by ${entity.curator?.name ?? "nobody"}`;
    case "PodcastShow":
      return `show ${entity.title} by ${entity.author}`;
    case "PodcastEpisode":
      return `episode ${entity.title} of ${entity.podcast.title}, ${entity.playbackInformation?.progressMilliseconds ?? 0} ms in`;
    case "Station":
      return `station ${entity.name}`;
    case "User":
      return `user ${entity.name}`;
    default: {
      // Compiles only while every `_type` of the union has its case.
      const unhandled: never = entity;
      return unhandled;
    }
  }
}

/** Narrowing by a plain comparison works too. */
export function trackCount(entity: Entity): number | undefined {
  if (entity._type === "Album") {
    return entity.trackCount;
  }
  return undefined;
}

export function trackCountWithoutNarrowing(entity: Entity): unknown {
  // @ts-expect-error `trackCount` is an Album field: without a check of `_type` it is out of reach.
  return entity.trackCount;
}

export function isrcOfAnAlbum(entity: Entity): unknown {
  if (entity._type === "Album") {
    // @ts-expect-error narrowed to Album, the entity has no Track field.
    return entity.isrc;
  }
  return undefined;
}

/** The tags are exactly the spec's: a missing or an extra one does not compile. */
export const tags: Record<Entity["_type"], true> = {
  Album: true,
  Artist: true,
  Track: true,
  Playlist: true,
  PodcastShow: true,
  PodcastEpisode: true,
  Station: true,
  User: true,
};

// @ts-expect-error no variant has the tag "Video".
export const video: Entity["_type"] = "Video";

/** Every entity of a view: its own, then its groups'. */
export function entitiesOf(response: ViewResponse): Entity[] {
  const own = response.data.entity === undefined ? [] : [response.data.entity];
  return own.concat(response.data.content.entityGroups.flatMap((group) => group.content.entities));
}

/** The operations' types line up with the schemas. */
type HomeQuery = NonNullable<paths["/v1/views/home"]["get"]["parameters"]["query"]>;
export const homeQuery: HomeQuery = { cursor: "0%3A97ac6538", limit: 5 };
type HomeOk = paths["/v1/views/home"]["get"]["responses"][200]["content"]["application/json"];
export const home: HomeOk = examples["Home as ViewResponse"];
export const homeLines: string[] = entitiesOf(home).map(describe);
type AlbumPath = paths["/v1/views/albums/{id}"]["get"]["parameters"]["path"];
export const albumPath: AlbumPath = { id: "B0BBB43TGW" };
