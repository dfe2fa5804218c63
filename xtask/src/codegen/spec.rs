//! What the generators read from the spec beyond typify's models: the operation table and the
//! entity union, each checked against what the hand-written layers can serve.

use std::collections::HashSet;

use anyhow::{Context, Result, bail};
use openapiv3::{
    IntegerFormat, OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr,
    Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

/// The query parameters a view that pages takes: the page token and the page size.
const PAGING_QUERY: [&str; 2] = ["cursor", "limit"];

/// The optional headers every view takes, set from the client's defaults or per request.
const VIEW_HEADERS: [&str; 2] = ["Accept-Language", "amzn-image-style"];

/// How a view pages: the spec's `x-paging` on each operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// `groups`: the view's `nextPageToken` leads to more groups.
    Groups,
    /// `entities`: the groups' `nextPageToken` leads to more entities.
    Entities,
    /// `none`: one page.
    None,
}

impl Paging {
    /// The name of the variant of the models crate's `PagingStyle`.
    pub fn variant(self) -> &'static str {
        match self {
            Self::Groups => "Groups",
            Self::Entities => "Entities",
            Self::None => "None",
        }
    }

    /// How the SDK's docs say it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Groups => "pages through groups",
            Self::Entities => "pages through entities",
            Self::None => "one page",
        }
    }

    /// The SDK's request type parameter for this paging.
    pub fn request_type(self) -> &'static str {
        match self {
            Self::Groups => "GroupPages",
            Self::Entities => "EntityPages",
            Self::None => "SinglePage",
        }
    }
}

/// What the `data` of an operation's `200` response holds: the models crate's
/// `ResponseShape`, read from the response schema's `data` property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseShape {
    /// `data` is a `View`.
    View,
    /// `data` is an array of `View`.
    Views,
}

impl ResponseShape {
    /// The name of the variant of the models crate's `ResponseShape`.
    pub fn variant(self) -> &'static str {
        match self {
            Self::View => "View",
            Self::Views => "Views",
        }
    }

    /// The component schema of the envelope: the model the SDK decodes such a response into.
    pub fn envelope(self) -> &'static str {
        match self {
            Self::View => "ViewResponse",
            Self::Views => "ViewListResponse",
        }
    }

    /// What `data` holds, in words.
    fn describe(self) -> &'static str {
        match self {
            Self::View => "a `View`",
            Self::Views => "an array of `View`",
        }
    }
}

/// The type of a query parameter's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryKind {
    /// `type: string`.
    String,
    /// `type: integer`; `int32` when its `format` is (else `int64`).
    Integer {
        /// `format: int32`.
        int32: bool,
    },
}

/// One query parameter of an operation, with its constraints.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryFacts {
    /// Its name in the query, e.g. `limit`.
    pub name: String,
    /// The type of its values.
    pub kind: QueryKind,
    /// Whether every request must send it.
    pub required: bool,
    /// An integer's `minimum`.
    pub minimum: Option<i64>,
    /// An integer's `maximum`.
    pub maximum: Option<i64>,
    /// A string's `minLength`.
    pub min_length: Option<u64>,
    /// A string's `maxLength`.
    pub max_length: Option<u64>,
    /// Its description.
    pub description: String,
}

impl QueryFacts {
    /// The Rust name of its setter or argument: its name in snake case.
    pub fn rust_name(&self) -> String {
        snake_case(&self.name)
    }

    /// What decides the Rust type of its setter: its type, and whether it can be negative.
    pub fn rust_type_key(&self) -> (QueryKind, bool) {
        (self.kind, self.minimum.is_some_and(|minimum| minimum >= 0))
    }

    /// Its bounds, in words (`at least 1; at most 10`), or `None` when it has none.
    pub fn bounds(&self) -> Option<String> {
        let bounds: Vec<String> = [
            self.minimum.map(|minimum| format!("at least {minimum}")),
            self.maximum.map(|maximum| format!("at most {maximum}")),
            self.min_length
                .map(|length| format!("at least {length} character(s)")),
            self.max_length
                .map(|length| format!("at most {length} character(s)")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!bounds.is_empty()).then(|| bounds.join("; "))
    }
}

/// One row of the operation table.
#[derive(Debug)]
pub struct OperationFacts {
    /// The `operationId`, e.g. `getHomeGroup`.
    pub operation_id: String,
    /// The SDK method, e.g. `home_group` (`x-sdk-method`, or from the `operationId`).
    pub sdk_method: String,
    /// The path template, e.g. `/v1/views/home/{groupId}`.
    pub path: String,
    /// The path parameters, in the order they stand in the path.
    pub path_parameters: Vec<String>,
    /// The query parameters, in the spec's order.
    pub query_parameters: Vec<QueryFacts>,
    /// The header parameters, in the spec's order.
    pub headers: Vec<String>,
    /// How the view pages.
    pub paging: Paging,
    /// What the `data` of its `200` response holds.
    pub response: ResponseShape,
    /// `x-paging-groups: first`: of a view that pages through entities, only the first group
    /// is paged (the others, e.g. similar playlists, come with every page); `all` (the default):
    /// every group is.
    pub first_group_only: bool,
    /// The operation's summary.
    pub summary: String,
    /// The operation's description.
    pub description: String,
}

impl OperationFacts {
    /// The name of the `Operation` variant: the SDK method in upper camel case.
    pub fn variant(&self) -> String {
        upper_camel_case(&self.sdk_method)
    }

    /// The generated client's method, as progenitor names it: the `operationId` in snake case.
    pub fn client_method(&self) -> String {
        snake_case(&self.operation_id)
    }

    /// The SDK's request type parameter: from the paging, or `ViewList` for a response of
    /// several views (which does not page).
    pub fn request_type(&self) -> &'static str {
        match self.response {
            ResponseShape::View => self.paging.request_type(),
            ResponseShape::Views => "ViewList",
        }
    }
}

/// Every operation of the spec, in its order, checked against what the SDK can serve.
///
/// # Errors
/// When an operation is not a `GET`, has no `operationId` or `x-paging`, takes a parameter the
/// SDK does not know, or shares its SDK method name with another.
pub fn operations(spec: &OpenAPI) -> Result<Vec<OperationFacts>> {
    let mut operations = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            bail!("{path}: a path item given by `$ref` is not supported");
        };
        for (method, operation) in item.iter() {
            let facts = operation_facts(spec, path, method, operation)
                .with_context(|| format!("{} {path}", method.to_uppercase()))?;
            operations.push(facts);
        }
    }
    for shape in [ResponseShape::View, ResponseShape::Views] {
        if component_schema(spec, shape.envelope()).is_none() {
            bail!(
                "the spec has no `{}` component schema, the envelope the SDK decodes a `200` of {} into",
                shape.envelope(),
                shape.describe()
            );
        }
    }
    let mut methods = HashSet::new();
    for operation in &operations {
        if !methods.insert(operation.sdk_method.as_str()) {
            bail!(
                "two operations would get the SDK method `{}`: set `x-sdk-method` on one",
                operation.sdk_method
            );
        }
    }
    let mut setters: Vec<(&QueryFacts, &str)> = Vec::new();
    for operation in &operations {
        for parameter in &operation.query_parameters {
            match setters
                .iter()
                .find(|(known, _)| known.name == parameter.name)
            {
                Some((known, first)) if known.rust_type_key() != parameter.rust_type_key() => {
                    bail!(
                        "the query parameter `{}` of {} and of {first} would need setters of different types",
                        parameter.name,
                        operation.operation_id
                    )
                }
                Some(_) => {}
                None => setters.push((parameter, &operation.operation_id)),
            }
        }
    }
    Ok(operations)
}

fn operation_facts(
    spec: &OpenAPI,
    path: &str,
    method: &str,
    operation: &openapiv3::Operation,
) -> Result<OperationFacts> {
    if method != "get" {
        bail!("only GET operations are supported (the views are all reads)");
    }
    let operation_id = operation
        .operation_id
        .clone()
        .context("the operation has no operationId")?;
    let paging = match operation
        .extensions
        .get("x-paging")
        .and_then(|v| v.as_str())
    {
        Some("groups") => Paging::Groups,
        Some("entities") => Paging::Entities,
        Some("none") => Paging::None,
        other => bail!(
            "{operation_id}: `x-paging` must be `groups`, `entities` or `none`, not {other:?}"
        ),
    };
    let first_group_only = match operation
        .extensions
        .get("x-paging-groups")
        .map(|value| value.as_str())
    {
        None | Some(Some("all")) => false,
        Some(Some("first")) if paging == Paging::Entities => true,
        Some(Some("first")) => {
            bail!("{operation_id}: `x-paging-groups: first` is for views with `x-paging: entities`")
        }
        Some(other) => {
            bail!("{operation_id}: `x-paging-groups` must be `first` or `all`, not {other:?}")
        }
    };
    let sdk_method = match operation.extensions.get("x-sdk-method") {
        Some(name) => name
            .as_str()
            .filter(|name| is_snake_case(name))
            .with_context(|| format!("{operation_id}: `x-sdk-method` must be a snake_case name"))?
            .to_owned(),
        None => default_sdk_method(&operation_id),
    };
    let mut path_parameters = Vec::new();
    let mut query_parameters = Vec::new();
    let mut headers = Vec::new();
    for parameter in &operation.parameters {
        let parameter = resolve_parameter(spec, parameter)?;
        match parameter {
            Parameter::Path { parameter_data, .. } => {
                if !is_string(spec, &parameter_data.format)? {
                    bail!(
                        "{operation_id}: path parameter `{}` must be a string",
                        parameter_data.name
                    );
                }
                path_parameters.push(parameter_data.name.clone());
            }
            Parameter::Query { parameter_data, .. } => {
                let facts = query_facts(spec, parameter_data).with_context(|| {
                    format!("{operation_id}: query parameter `{}`", parameter_data.name)
                })?;
                query_parameters.push(facts);
            }
            Parameter::Header { parameter_data, .. } => {
                let name = parameter_data.name.as_str();
                if !VIEW_HEADERS.contains(&name) {
                    bail!(
                        "{operation_id}: header `{name}` is not one the SDK sends ({VIEW_HEADERS:?})"
                    );
                }
                headers.push(name.to_owned());
            }
            Parameter::Cookie { parameter_data, .. } => {
                bail!(
                    "{operation_id}: cookie parameter `{}` is not supported",
                    parameter_data.name
                )
            }
        }
    }
    let in_path = template_parameters(path);
    let declared: HashSet<&String> = path_parameters.iter().collect();
    if in_path.len() != path_parameters.len() || !in_path.iter().all(|name| declared.contains(name))
    {
        bail!(
            "{operation_id}: the path's parameters {in_path:?} and the declared ones {path_parameters:?} differ"
        );
    }
    let pages = paging != Paging::None;
    for name in PAGING_QUERY {
        let parameter = query_parameters.iter().find(|query| query.name == name);
        // A view of one page may take a `limit`, but never a `cursor`.
        if (pages && parameter.is_none()) || (!pages && name == "cursor" && parameter.is_some()) {
            bail!(
                "{operation_id}: a view with `x-paging: {}` {} `{name}` query parameter",
                paging.variant().to_lowercase(),
                if pages { "needs the" } else { "takes no" }
            );
        }
        let wanted = match name {
            "cursor" => matches!(
                parameter.map(|query| query.kind),
                None | Some(QueryKind::String)
            ),
            _ => matches!(
                parameter.map(|query| query.kind),
                None | Some(QueryKind::Integer { .. })
            ),
        };
        if !wanted || parameter.is_some_and(|query| query.required) {
            bail!(
                "{operation_id}: `{name}` must be an optional {}",
                if name == "cursor" {
                    "string"
                } else {
                    "integer"
                }
            );
        }
    }
    let response = response_shape(spec, operation)?;
    if response == ResponseShape::Views && paging != Paging::None {
        bail!(
            "{operation_id}: a response of several views does not page (which view's token would the cursor take?): `x-paging` must be `none`"
        );
    }
    let mut names = HashSet::new();
    for name in path_parameters
        .iter()
        .map(|name| snake_case(name))
        .chain(query_parameters.iter().map(QueryFacts::rust_name))
    {
        if !names.insert(name.clone()) {
            bail!("{operation_id}: two parameters would be called `{name}` in Rust");
        }
    }
    Ok(OperationFacts {
        sdk_method,
        path: path.to_owned(),
        path_parameters: in_path,
        query_parameters,
        headers,
        paging,
        response,
        first_group_only,
        summary: operation.summary.clone().unwrap_or_default(),
        description: operation.description.clone().unwrap_or_default(),
        operation_id,
    })
}

/// What the `data` of `operation`'s `200` response holds, from its schema: a `$ref` to the
/// envelope of its shape, whose required `data` is a `View` or an array of `View`.
///
/// # Errors
/// When the `200` has no JSON schema, or its schema is not one of those envelopes.
fn response_shape(spec: &OpenAPI, operation: &openapiv3::Operation) -> Result<ResponseShape> {
    let operation_id = operation.operation_id.as_deref().unwrap_or_default();
    let schema = operation
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
        .and_then(ReferenceOr::as_item)
        .and_then(|response| response.content.get("application/json"))
        .and_then(|media| media.schema.as_ref())
        .with_context(|| {
            format!("{operation_id}: its `200` response has no `application/json` schema")
        })?;
    let name = reference_name(schema).with_context(|| {
        format!(
            "{operation_id}: its `200` schema must be a `$ref` to `ViewResponse` or `ViewListResponse`"
        )
    })?;
    let data = component_schema(spec, name)
        .and_then(|envelope| match &envelope.schema_kind {
            SchemaKind::Type(Type::Object(object))
                if object.required.iter().any(|required| required == "data") =>
            {
                object.properties.get("data")
            }
            _ => None,
        })
        .with_context(|| {
            format!("{operation_id}: `{name}` is not an object with a required `data`")
        })?;
    let is_view = |reference: &ReferenceOr<Box<Schema>>| {
        matches!(reference, ReferenceOr::Reference { reference }
            if reference.strip_prefix("#/components/schemas/") == Some("View"))
    };
    let shape = match data {
        data if is_view(data) => ResponseShape::View,
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) if array.items.as_ref().is_some_and(is_view) => {
                ResponseShape::Views
            }
            _ => bail!("{operation_id}: `{name}`'s `data` must be a `View` or an array of `View`"),
        },
        ReferenceOr::Reference { .. } => {
            bail!("{operation_id}: `{name}`'s `data` must be a `View` or an array of `View`")
        }
    };
    if name != shape.envelope() {
        bail!(
            "{operation_id}: a `200` whose `data` is {} is `$ref: \"#/components/schemas/{}\"`, the envelope the SDK decodes it into, not `{name}`",
            shape.describe(),
            shape.envelope()
        );
    }
    Ok(shape)
}

/// One variant of the entity union: a mapping entry of `Entity`'s discriminator.
#[derive(Debug)]
pub struct EntityVariant {
    /// The `_type` value, which also names the variant.
    pub type_name: String,
    /// The component schema (and model) the variant holds.
    pub schema: String,
    /// The model's `id`: a string.
    pub id: Option<Field>,
    /// The model's `title`, or else its `name`: a string.
    pub title: Option<Field>,
    /// The model's `images`: an array of `Image`.
    pub images: Option<Field>,
    /// The model's `playParams`: a `PlayParams`.
    pub play_params: Option<Field>,
    /// The model's `artists`: an array of `ArtistReference`.
    pub artists: Option<Field>,
    /// The model's `duration`: an integer, in seconds.
    pub duration: Option<Field>,
}

/// A field of an entity model that the union's accessors read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The field's name in the model, as typify names it.
    pub rust_name: String,
    /// Whether the model holds it as an `Option`.
    pub optional: bool,
}

/// The shape a property must have for an accessor to read it.
#[derive(Clone, Copy)]
enum Shape {
    String,
    Integer,
    /// A `$ref` to this component schema.
    Ref(&'static str),
    /// An array of `$ref`s to this component schema.
    ArrayOf(&'static str),
}

/// The entity union: `Entity`'s description and its discriminator mapping.
#[derive(Debug)]
pub struct EntityUnion {
    /// The component schema's description.
    pub description: String,
    /// The variants, in the mapping's order.
    pub variants: Vec<EntityVariant>,
}

/// The component schema of the entity union, replaced in the models by the generated union.
pub const ENTITY_SCHEMA: &str = "Entity";

/// Reads `Entity`'s `oneOf` and `discriminator.mapping`.
///
/// # Errors
/// When the schema is missing, its discriminator is not on `_type`, a mapping entry names no
/// component schema, or the mapping and the `oneOf` list different schemas.
pub fn entity_union(spec: &OpenAPI) -> Result<EntityUnion> {
    let schema = component_schema(spec, ENTITY_SCHEMA)
        .with_context(|| format!("no `{ENTITY_SCHEMA}` component schema"))?;
    let discriminator = schema
        .schema_data
        .discriminator
        .as_ref()
        .context("`Entity` has no discriminator")?;
    if discriminator.property_name != "_type" {
        bail!("`Entity`'s discriminator must be `_type`");
    }
    let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
        bail!("`Entity` must be a `oneOf`");
    };
    let one_of: HashSet<&str> = one_of.iter().filter_map(reference_name).collect();
    let mut variants = Vec::new();
    for (type_name, reference) in &discriminator.mapping {
        let schema = reference
            .strip_prefix("#/components/schemas/")
            .with_context(|| {
                format!("mapping `{type_name}`: `{reference}` is not a component schema")
            })?;
        if !one_of.contains(schema) {
            bail!("mapping `{type_name}`: `{schema}` is not in `Entity`'s `oneOf`");
        }
        if !is_rust_identifier(type_name) {
            bail!("mapping `{type_name}`: a `_type` must be a Rust identifier to name a variant");
        }
        let model = component_schema(spec, schema)
            .with_context(|| format!("mapping `{type_name}`: no component schema `{schema}`"))?;
        let field = |property, shape| field(spec, model, property, shape);
        variants.push(EntityVariant {
            type_name: type_name.clone(),
            schema: schema.to_owned(),
            id: field("id", Shape::String)?,
            title: match field("title", Shape::String)? {
                Some(title) => Some(title),
                None => field("name", Shape::String)?,
            },
            images: field("images", Shape::ArrayOf("Image"))?,
            play_params: field("playParams", Shape::Ref("PlayParams"))?,
            artists: field("artists", Shape::ArrayOf("ArtistReference"))?,
            duration: field("duration", Shape::Integer)?,
        });
    }
    if variants.len() != one_of.len() {
        bail!("`Entity`'s `oneOf` lists schemas its discriminator mapping does not");
    }
    Ok(EntityUnion {
        description: schema.schema_data.description.clone().unwrap_or_default(),
        variants,
    })
}

/// The model's field for `property`, if the schema has it with `shape`.
fn field(spec: &OpenAPI, model: &Schema, property: &str, shape: Shape) -> Result<Option<Field>> {
    let SchemaKind::Type(Type::Object(object)) = &model.schema_kind else {
        return Ok(None);
    };
    let Some(schema) = object.properties.get(property) else {
        return Ok(None);
    };
    let (schema, referenced) = match schema {
        ReferenceOr::Item(schema) => (Some(schema.as_ref()), None),
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            (component_schema(spec, name), Some(name))
        }
    };
    let fits = match shape {
        Shape::String => schema
            .is_some_and(|schema| matches!(schema.schema_kind, SchemaKind::Type(Type::String(_)))),
        Shape::Integer => schema
            .is_some_and(|schema| matches!(schema.schema_kind, SchemaKind::Type(Type::Integer(_)))),
        Shape::Ref(wanted) => referenced == Some(wanted),
        Shape::ArrayOf(wanted) => schema.is_some_and(|schema| match &schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref().is_some_and(|items| {
                matches!(items, ReferenceOr::Reference { reference }
                    if reference.strip_prefix("#/components/schemas/") == Some(wanted))
            }),
            _ => false,
        }),
    };
    if !fits {
        return Ok(None);
    }
    let nullable = schema.is_some_and(|schema| schema.schema_data.nullable);
    let required = object.required.iter().any(|name| name == property);
    Ok(Some(Field {
        rust_name: snake_case(property),
        optional: nullable || !required,
    }))
}

fn component_schema<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

fn reference_name<T>(reference: &ReferenceOr<T>) -> Option<&str> {
    match reference {
        ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
        ReferenceOr::Item(_) => None,
    }
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Result<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Ok(parameter),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .with_context(|| format!("`{reference}` is not a component parameter"))?;
            spec.components
                .as_ref()
                .and_then(|components| components.parameters.get(name))
                .and_then(ReferenceOr::as_item)
                .with_context(|| format!("`{reference}` not found"))
        }
    }
}

fn parameter_schema<'a>(
    spec: &'a OpenAPI,
    format: &'a ParameterSchemaOrContent,
) -> Result<&'a Schema> {
    let ParameterSchemaOrContent::Schema(schema) = format else {
        bail!("a parameter given by `content` is not supported");
    };
    match schema {
        ReferenceOr::Item(schema) => Ok(schema),
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            component_schema(spec, name).with_context(|| format!("`{reference}` not found"))
        }
    }
}

fn is_string(spec: &OpenAPI, format: &ParameterSchemaOrContent) -> Result<bool> {
    Ok(matches!(
        parameter_schema(spec, format)?.schema_kind,
        SchemaKind::Type(Type::String(_))
    ))
}

/// A query parameter's type, required-ness and bounds.
///
/// # Errors
/// When its schema is neither a string nor an integer, or has bounds the table cannot hold.
fn query_facts(spec: &OpenAPI, parameter: &ParameterData) -> Result<QueryFacts> {
    let mut facts = QueryFacts {
        name: parameter.name.clone(),
        kind: QueryKind::String,
        required: parameter.required,
        minimum: None,
        maximum: None,
        min_length: None,
        max_length: None,
        description: parameter.description.clone().unwrap_or_default(),
    };
    match &parameter_schema(spec, &parameter.format)?.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            if !matches!(string.format, VariantOrUnknownOrEmpty::Empty)
                || !string.enumeration.is_empty()
                || string.pattern.is_some()
            {
                bail!(
                    "a string with a `format`, `enum` or `pattern` is not supported; teach xtask/src/codegen about it"
                );
            }
            let length = |value: Option<usize>| value.map(u64::try_from).transpose();
            facts.min_length = length(string.min_length)?;
            facts.max_length = length(string.max_length)?;
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            if integer.exclusive_minimum
                || integer.exclusive_maximum
                || integer.multiple_of.is_some()
                || !integer.enumeration.is_empty()
            {
                bail!(
                    "an integer with `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf` or `enum` is not supported; teach xtask/src/codegen about it"
                );
            }
            let int32 = match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => true,
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64)
                | VariantOrUnknownOrEmpty::Empty => false,
                VariantOrUnknownOrEmpty::Unknown(other) => {
                    bail!("the integer format `{other}` is not supported")
                }
            };
            facts.kind = QueryKind::Integer { int32 };
            facts.minimum = integer.minimum;
            facts.maximum = integer.maximum;
        }
        _ => bail!(
            "only `string` and `integer` query parameters are supported; teach xtask/src/codegen about the others"
        ),
    }
    Ok(facts)
}

/// The `{name}`s of a path template, in order.
pub fn template_parameters(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// `getLibrarySongsView` -> `library_songs`, `getHomeGroup` -> `home_group`.
pub fn default_sdk_method(operation_id: &str) -> String {
    let name = operation_id.strip_prefix("get").unwrap_or(operation_id);
    let name = name
        .strip_suffix("View")
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name);
    snake_case(name)
}

/// `getHomeGroup` -> `get_home_group`, `groupId` -> `group_id`, `amzn-image-style` ->
/// `amzn_image_style`: how progenitor names methods and setters.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for character in name.chars() {
        if character == '-' || character == '_' || character == ' ' {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        } else if character.is_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.extend(character.to_lowercase());
            previous_lower = false;
        } else {
            out.push(character);
            previous_lower = character.is_lowercase() || character.is_ascii_digit();
        }
    }
    out
}

/// `home_group` -> `HomeGroup`.
pub fn upper_camel_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut characters = word.chars();
            characters
                .next()
                .map(|first| first.to_uppercase().chain(characters).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_rust_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "Unknown"
        && name != "Malformed"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_methods_drop_get_and_view() {
        assert_eq!(default_sdk_method("getLibrarySongsView"), "library_songs");
        assert_eq!(default_sdk_method("getHomeGroup"), "home_group");
        assert_eq!(
            default_sdk_method("getRecentlyPlayedView"),
            "recently_played"
        );
        assert_eq!(default_sdk_method("getView"), "view");
    }

    #[test]
    fn names_convert_as_progenitor_names_them() {
        assert_eq!(snake_case("getHomeGroup"), "get_home_group");
        assert_eq!(snake_case("groupId"), "group_id");
        assert_eq!(snake_case("amzn-image-style"), "amzn_image_style");
        assert_eq!(snake_case("Accept-Language"), "accept_language");
        assert_eq!(upper_camel_case("podcast_show"), "PodcastShow");
    }

    /// A one-operation spec: `extra` goes into the operation, `parameters` are its list.
    fn one_operation(extra: &str, parameters: &str) -> OpenAPI {
        one_operation_answering(extra, parameters, "ViewResponse")
    }

    /// A one-operation spec whose `200` is the component schema `envelope`.
    fn one_operation_answering(extra: &str, parameters: &str, envelope: &str) -> OpenAPI {
        let yaml = format!(
            r##"
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /v1/views/charts/{{chartId}}:
    get:
      operationId: getChartView
{extra}
      parameters:
        - {{name: chartId, in: path, required: true, schema: {{type: string}}}}
{parameters}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/{envelope}"}}
components:
  schemas:
    View: {{type: object}}
    ViewResponse:
      type: object
      required: [data]
      properties:
        data: {{$ref: "#/components/schemas/View"}}
    ViewListResponse:
      type: object
      required: [data]
      properties:
        data: {{type: array, items: {{$ref: "#/components/schemas/View"}}}}
    Other:
      type: object
      required: [data]
      properties:
        data: {{type: string}}
"##
        );
        serde_norway::from_str(&yaml).expect("a spec")
    }

    const PAGED: &str = "        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 25}}";

    #[test]
    fn an_operation_reads_into_a_row_of_the_table() {
        let spec = one_operation("      x-paging: entities", PAGED);
        let [chart] = operations(&spec)
            .expect("a table")
            .try_into()
            .expect("one row");
        assert_eq!(chart.sdk_method, "chart");
        assert_eq!(chart.variant(), "Chart");
        assert_eq!(chart.client_method(), "get_chart_view");
        assert_eq!(chart.path_parameters, ["chartId"]);
        let names: Vec<&str> = chart
            .query_parameters
            .iter()
            .map(|query| query.name.as_str())
            .collect();
        assert_eq!(names, ["cursor", "limit"]);
        assert_eq!(chart.query_parameters[1].maximum, Some(25));
        assert_eq!(chart.query_parameters[1].minimum, Some(1));
        assert_eq!(
            chart.query_parameters[1].kind,
            QueryKind::Integer { int32: false }
        );
        assert_eq!(chart.query_parameters[0].kind, QueryKind::String);
        assert_eq!(chart.paging, Paging::Entities);
    }

    #[test]
    fn x_sdk_method_names_the_method() {
        let spec = one_operation(
            "      x-paging: entities\n      x-sdk-method: top_charts",
            PAGED,
        );
        let rows = operations(&spec).expect("a table");
        assert_eq!(rows[0].sdk_method, "top_charts");
        assert_eq!(rows[0].variant(), "TopCharts");
        let bad = one_operation(
            "      x-paging: entities\n      x-sdk-method: TopCharts",
            PAGED,
        );
        assert!(format!("{:#}", operations(&bad).unwrap_err()).contains("snake_case"));
    }

    #[test]
    fn what_the_sdk_cannot_serve_is_refused_with_a_reason() {
        let cases = [
            (one_operation("", PAGED), "x-paging"),
            (one_operation("      x-paging: sideways", PAGED), "x-paging"),
            (
                one_operation("      x-paging: entities", ""),
                "needs the `cursor`",
            ),
            (
                one_operation("      x-paging: none", PAGED),
                "takes no `cursor`",
            ),
            (
                one_operation(
                    "      x-paging: none",
                    "        - {name: sort, in: query, schema: {type: array, items: {type: string}}}",
                ),
                "query parameter `sort`",
            ),
            (
                one_operation(
                    "      x-paging: none",
                    "        - {name: limit, in: query, schema: {type: string}}",
                ),
                "`limit` must be an optional integer",
            ),
            (
                one_operation(
                    "      x-paging: none",
                    "        - {name: chart_id, in: query, schema: {type: string}}",
                ),
                "two parameters would be called `chart_id`",
            ),
        ];
        for (spec, reason) in cases {
            let error = format!("{:#}", operations(&spec).unwrap_err());
            assert!(error.contains(reason), "{reason:?} in {error}");
        }
    }

    #[test]
    fn query_parameters_carry_their_type_required_ness_and_bounds() {
        let spec = one_operation(
            "      x-paging: none",
            "        - {name: query, in: query, required: true, schema: {type: string, minLength: 1, maxLength: 50}}
        - {name: limit, in: query, schema: {type: integer, format: int32, minimum: 1, maximum: 50}}",
        );
        let rows = operations(&spec).expect("a table");
        let [query, limit] = &rows[0].query_parameters[..] else {
            panic!("two query parameters");
        };
        assert_eq!((query.kind, query.required), (QueryKind::String, true));
        assert_eq!((query.min_length, query.max_length), (Some(1), Some(50)));
        assert_eq!(
            query.bounds().as_deref(),
            Some("at least 1 character(s); at most 50 character(s)")
        );
        assert_eq!(
            (limit.kind, limit.required),
            (QueryKind::Integer { int32: true }, false)
        );
        assert_eq!((limit.minimum, limit.maximum), (Some(1), Some(50)));
    }

    #[test]
    fn a_response_of_several_views_is_a_shape_of_the_table() {
        let spec = one_operation_answering(
            "      x-paging: none",
            "        - {name: query, in: query, required: true, schema: {type: string, minLength: 1}}",
            "ViewListResponse",
        );
        let rows = operations(&spec).expect("a table");
        assert_eq!(rows[0].response, ResponseShape::Views);
        assert_eq!(rows[0].request_type(), "ViewList");
        let one = operations(&one_operation("      x-paging: entities", PAGED)).expect("a table");
        assert_eq!(
            (one[0].response, one[0].request_type()),
            (ResponseShape::View, "EntityPages")
        );
    }

    #[test]
    fn a_response_the_sdk_cannot_decode_is_refused_with_a_reason() {
        let cases = [
            (
                one_operation_answering("      x-paging: entities", PAGED, "ViewListResponse"),
                "several views does not page",
            ),
            (
                one_operation_answering("      x-paging: none", "", "Other"),
                "`Other`'s `data` must be a `View` or an array of `View`",
            ),
            (
                one_operation_answering("      x-paging: none", "", "View"),
                "`View` is not an object with a required `data`",
            ),
        ];
        for (spec, reason) in cases {
            let error = format!("{:#}", operations(&spec).unwrap_err());
            assert!(error.contains(reason), "{reason:?} in {error}");
        }
    }

    #[test]
    fn template_parameters_come_in_path_order() {
        assert_eq!(
            template_parameters("/v1/{a}/x/{b}"),
            vec!["a".to_owned(), "b".to_owned()]
        );
        assert!(template_parameters("/v1/views/home").is_empty());
    }
}
