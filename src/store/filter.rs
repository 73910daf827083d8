//! The one builder for the `WHERE` clauses both engines share: each optional
//! condition adds its SQL and binds its value in the same step, so the
//! placeholders and the arguments can never drift apart.

use super::{Params, ToValue};

/// A query under construction: its SQL so far and the values it binds.
#[derive(Default)]
pub struct Filter {
    sql: String,
    args: Vec<Box<dyn ToValue>>,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").field("sql", &self.sql).finish()
    }
}

impl Filter {
    /// Starts from `select`, which ends before its `WHERE`.
    pub fn new(select: &str) -> Self {
        Self {
            sql: format!("{select} WHERE TRUE"),
            args: Vec::new(),
        }
    }

    /// Adds ` AND {condition}` with one `?` bound to `value`, when there is a value.
    pub fn and<T: ToValue + 'static>(&mut self, condition: &str, value: Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.sql.push_str(" AND ");
            self.sql.push_str(condition);
            self.args.push(Box::new(value));
        }
        self
    }

    /// Appends the rest (an `ORDER BY`, a `LIMIT ?`) and its values.
    pub fn then(&mut self, sql: &str, values: Vec<Box<dyn ToValue>>) -> &mut Self {
        self.sql.push(' ');
        self.sql.push_str(sql);
        self.args.extend(values);
        self
    }

    /// The SQL text.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Runs `f` with the SQL and its parameters.
    pub fn with<R>(&self, f: impl FnOnce(&str, Params<'_>) -> R) -> R {
        let args: Vec<&dyn ToValue> = self.args.iter().map(|a| &**a).collect();
        f(&self.sql, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_values_add_no_condition_and_present_ones_bind_in_order() {
        let mut f = Filter::new("SELECT x FROM t");
        f.and("a = ?", Some(1_i64))
            .and("b = ?", None::<i64>)
            .and("c >= ?", Some(3_i64))
            .then("ORDER BY x LIMIT ?", vec![Box::new(5_i64)]);
        assert_eq!(
            f.sql(),
            "SELECT x FROM t WHERE TRUE AND a = ? AND c >= ? ORDER BY x LIMIT ?"
        );
        let bound = f.with(|_, params| params.len());
        assert_eq!(bound, 3);
    }
}
