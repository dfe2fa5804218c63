//! The SDK's `entities_by_group` against the mock: every group of a grouped view paged to its
//! end, several groups at a time.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use amazon_music::pagination::{EntityPages, GroupPages};
use amazon_music::{Client, Error, Operation, ViewRequest};
use amazon_music_mock::{Fault, MockConfig, MockState, router};
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use futures_util::{StreamExt, TryStreamExt};
use tokio::net::TcpListener;

use crate::support::{fast_retries, sdk, server};

/// The views that page through groups and whose groups page on their own path.
const GROUPED_VIEWS: [Operation; 3] = [Operation::Home, Operation::Podcasts, Operation::Library];

/// The request for `view`, a grouped view without path parameters.
fn grouped(client: &Client, view: Operation) -> ViewRequest<GroupPages> {
    client
        .request::<GroupPages>(view, Vec::<String>::new())
        .expect("a grouped view")
}

/// Each group's entity IDs in order, by the group's ID and title.
type Groups = BTreeMap<(String, Option<String>), Vec<String>>;

/// Each group's entity IDs in order: the view's groups, each paged alone from its start
/// through the view's group operation.
async fn each_group_alone(client: &Client, view: Operation) -> Groups {
    let group_operation = view.group_operation().expect("a group operation");
    let pages: Vec<_> = grouped(client, view)
        .pages()
        .try_collect()
        .await
        .expect("the view's pages");
    let mut groups = BTreeMap::new();
    for group in pages
        .into_iter()
        .flat_map(|page| page.content.entity_groups)
    {
        let entities: Vec<_> = client
            .request::<EntityPages>(group_operation, [group.id.clone()])
            .expect("a group request")
            .entities()
            .try_collect()
            .await
            .expect("the group's entities");
        let previous = groups.insert((group.id, group.title), ids(&entities));
        assert!(previous.is_none(), "each group once in the view");
    }
    groups
}

fn ids(entities: &[amazon_music::Entity]) -> Vec<String> {
    entities
        .iter()
        .map(|entity| entity.id().expect("an entity with an ID").to_owned())
        .collect()
}

/// What `entities_by_group` yields, as each group's entity IDs in the order they came.
async fn fanned_out(request: ViewRequest<GroupPages>) -> Groups {
    let tagged: Vec<_> = request
        .entities_by_group()
        .try_collect()
        .await
        .expect("every group's entities");
    let mut groups = Groups::new();
    for (group, entity) in tagged {
        let id = entity.id().expect("an entity with an ID").to_owned();
        groups
            .entry((group.id.clone(), group.title.clone()))
            .or_default()
            .push(id);
    }
    groups
}

#[tokio::test]
async fn every_entity_of_every_group_arrives_once_tagged_with_its_group_id_and_title() {
    let server = server().await;
    let client = sdk(&server);
    for view in GROUPED_VIEWS {
        let expected = each_group_alone(&client, view).await;
        assert!(
            expected.values().any(|entities| entities.len() > 10),
            "{view}: a group longer than one page"
        );
        let mut expected_nonempty = expected.clone();
        expected_nonempty.retain(|_, entities| !entities.is_empty());
        assert!(
            expected.keys().all(|(_, title)| title.is_some()),
            "{view}: every group has a title to carry"
        );
        let got = fanned_out(grouped(&client, view).concurrency(3)).await;
        assert_eq!(got, expected_nonempty, "{view}");
    }
}

#[tokio::test]
async fn the_page_size_carries_over_to_each_group() {
    let server = server().await;
    let client = sdk(&server);
    let got = fanned_out(client.home().limit(4).concurrency(2)).await;
    let requests = server.requests();
    assert_eq!(got, each_group_alone(&client, Operation::Home).await);
    let group_requests: Vec<_> = requests
        .iter()
        .filter(|request| request.operation == Some(Operation::HomeGroup))
        .collect();
    assert!(!group_requests.is_empty());
    assert!(
        group_requests.iter().all(|request| request
            .query
            .as_deref()
            .is_some_and(|query| query.contains("limit=4"))),
        "{group_requests:?}"
    );
}

/// How many requests are in flight, and the most there were at once.
#[derive(Clone, Default)]
struct InFlight {
    now: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

async fn count_in_flight(
    State(in_flight): State<InFlight>,
    request: Request,
    next: Next,
) -> Response {
    let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
    in_flight.peak.fetch_max(now, Ordering::SeqCst);
    let response = next.run(request).await;
    in_flight.now.fetch_sub(1, Ordering::SeqCst);
    response
}

#[tokio::test]
async fn no_more_requests_than_the_concurrency_are_in_flight_at_once() {
    let state = MockState::new(MockConfig::default()).expect("the mock's state");
    // Every answer takes a while, so that requests that may overlap do.
    state
        .faults()
        .inject(Fault::latency(Duration::from_millis(30)));
    let in_flight = InFlight::default();
    let app = router(state.clone()).layer(from_fn_with_state(in_flight.clone(), count_in_flight));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder()
        .api_key(state.credentials().api_key())
        .access_token(state.credentials().access_token())
        .base_url(&url)
        .retry_policy(fast_retries())
        .build()
        .expect("an SDK client");
    for concurrency in [1, 3] {
        in_flight.peak.store(0, Ordering::SeqCst);
        let got = fanned_out(client.home().concurrency(concurrency)).await;
        assert!(got.len() > concurrency, "more groups than the bound");
        assert_eq!(
            in_flight.peak.load(Ordering::SeqCst),
            concurrency,
            "at most {concurrency} at once, and that many when there are enough groups"
        );
    }
    serving.abort();
}

#[tokio::test]
async fn a_failing_group_is_reported_by_name_and_the_others_go_on() {
    let server = server().await;
    let client = sdk(&server);
    let expected: BTreeMap<String, Vec<String>> = each_group_alone(&client, Operation::Home)
        .await
        .into_iter()
        .map(|((id, _), entities)| (id, entities))
        .collect();
    let failing = "mp3-subscription-gateway_mp3NewReleasesStrategy";
    assert!(expected[failing].len() > 10, "the group has a second page");
    server
        .faults()
        .inject(Fault::status(404).on_path(format!("/v1/views/home/{failing}")));
    let items: Vec<_> = client
        .home()
        .concurrency(2)
        .entities_by_group()
        .collect()
        .await;
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok((group, entity)) => groups
                .entry(group.id.clone())
                .or_default()
                .push(entity.id().expect("an ID").to_owned()),
            Err(error) => errors.push(error),
        }
    }
    assert_eq!(errors.len(), 1, "{errors:?}");
    match &errors[0] {
        Error::Group { group, source, .. } => {
            assert_eq!(group, failing);
            assert_eq!(source.status(), Some(404));
        }
        other => panic!("not a group's error: {other:?}"),
    }
    assert_eq!(errors[0].status(), Some(404));
    assert_eq!(
        groups[failing],
        expected[failing][..10],
        "its first page came"
    );
    for (group, entities) in expected
        .iter()
        .filter(|(group, entities)| *group != failing && !entities.is_empty())
    {
        assert_eq!(&groups[group], entities, "{group} came whole");
    }
}
