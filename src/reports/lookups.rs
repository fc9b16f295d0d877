//! The small lookup tables a report labels and weights its cells with.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::entities::{job_role, organisation, role_target, staff_group, topic};
use crate::error::AppResult;

/// The lookup tables a report labels and weights its cells with.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    pub topics: Vec<topic::Model>,
    pub staff_groups: Vec<staff_group::Model>,
    pub job_roles: Vec<job_role::Model>,
    pub organisations: Vec<organisation::Model>,
    /// (job role, topic) → (required level 0–100, importance 1–7), the current values.
    pub targets: HashMap<(i64, i64), (f64, f64)>,
}

/// Role targets keyed by (job role, topic): (required level 0–100, importance 1–7).
pub fn keyed_targets(rows: Vec<role_target::Model>) -> HashMap<(i64, i64), (f64, f64)> {
    rows.into_iter()
        .map(|t| {
            let value = (f64::from(t.required_level), f64::from(t.importance));
            ((t.job_role_id, t.topic_id), value)
        })
        .collect()
}

impl Lookups {
    /// The five tables are read side by side (each on its own pooled connection; in a
    /// transaction they take turns): a report page waits for one round trip, not five.
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let (targets, topics, staff_groups, job_roles, organisations) = tokio::try_join!(
            role_target::Entity::find().all(db),
            topic::Entity::find()
                .order_by_asc(topic::Column::Position)
                .order_by_asc(topic::Column::Id)
                .all(db),
            staff_group::Entity::find()
                .order_by_asc(staff_group::Column::Position)
                .order_by_asc(staff_group::Column::Id)
                .all(db),
            job_role::Entity::find()
                .order_by_asc(job_role::Column::Position)
                .order_by_asc(job_role::Column::Id)
                .all(db),
            organisation::Entity::find()
                .order_by_asc(organisation::Column::Code)
                .all(db),
        )?;
        Ok(Self {
            topics,
            staff_groups,
            job_roles,
            organisations,
            targets: keyed_targets(targets),
        })
    }

    /// `organisations` as a stored-row filter: `None` (every organisation) when they include
    /// them all, so such a scope reads the totals without the organisation.
    pub fn narrowing(&self, organisations: Option<Vec<i64>>) -> Option<Vec<i64>> {
        let ids = organisations?;
        let given: HashSet<i64> = ids.iter().copied().collect();
        let covers_all = self.organisations.iter().all(|o| given.contains(&o.id));
        (!covers_all).then_some(ids)
    }

    /// The role's current target and importance for a topic. A role without a target row is
    /// judged as the submit path judges it (target 0, importance 1), so "at target" counts and
    /// the gap agree.
    pub fn target(&self, job_role_id: i64, topic_id: i64) -> (f64, f64) {
        self.targets
            .get(&(job_role_id, topic_id))
            .copied()
            .unwrap_or((0.0, 1.0))
    }
}
