//! HTML pages rendered straight from their JSON context.
//!
//! rocket_dyn_templates loads the templates (and reloads them in debug builds), but its
//! `Template` responder converts a context twice more before Handlebars sees it: into figment's
//! value when the handler returns, and back into JSON when it renders. For a national gap grid
//! or a module's page that copying was a large share of the request (docs/benchmarks.md). The
//! template fairing's callback hands each registry it loads to a [`Renderer`], and pages render
//! with it from the one JSON value `Chrome` builds.

use std::sync::{Arc, PoisonError, RwLock};

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder, content::RawHtml};
use rocket_dyn_templates::handlebars::{Context, Handlebars};
use serde_json::Value;

/// The registry rocket_dyn_templates last loaded, shared by every request.
#[derive(Clone, Default)]
pub struct Renderer(Arc<RwLock<Option<Arc<Handlebars<'static>>>>>);

impl Renderer {
    /// Keeps a copy of a freshly (re)loaded and customised registry.
    pub fn replace(&self, registry: &Handlebars<'static>) {
        let mut current = self.0.write().unwrap_or_else(PoisonError::into_inner);
        *current = Some(Arc::new(registry.clone()));
    }

    /// `template` rendered with `context`; a failure is logged and answered with a 500.
    pub fn render(&self, template: &str, context: Value) -> Page {
        let registry = self
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(registry) = registry else {
            tracing::error!(template, "no templates are loaded");
            return Page(None);
        };
        match registry.render_with_context(template, &Context::from(context)) {
            Ok(html) => Page(Some(html)),
            Err(error) => {
                tracing::error!(template, %error, "template failed to render");
                Page(None)
            }
        }
    }
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Renderer")
    }
}

/// A rendered HTML page (`None` when rendering failed: a 500).
#[derive(Debug)]
pub struct Page(Option<String>);

impl Page {
    /// The rendered HTML, for tests.
    pub fn html(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'r> Responder<'r, 'static> for Page {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        match self.0 {
            Some(html) => RawHtml(html).respond_to(request),
            None => Err(Status::InternalServerError),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn registry() -> Handlebars<'static> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry
            .register_template_string("hello", "<p>{{name}}</p>")
            .expect("a valid template");
        registry
    }

    #[test]
    fn renders_from_the_registry_it_was_last_given_and_escapes() {
        let renderer = Renderer::default();
        renderer.replace(&registry());
        let page = renderer.render("hello", json!({ "name": "<b>Ann</b>" }));
        assert_eq!(page.html(), Some("<p>&lt;b&gt;Ann&lt;/b&gt;</p>"));

        let mut reloaded = Handlebars::new();
        reloaded
            .register_template_string("hello", "<h1>{{name}}</h1>")
            .expect("a valid template");
        renderer.replace(&reloaded);
        let page = renderer.render("hello", json!({ "name": "Ann" }));
        assert_eq!(page.html(), Some("<h1>Ann</h1>"));
    }

    #[test]
    fn a_missing_registry_template_or_field_is_a_failed_page() {
        assert_eq!(Renderer::default().render("hello", json!({})).html(), None);
        let renderer = Renderer::default();
        renderer.replace(&registry());
        assert_eq!(renderer.render("missing", json!({})).html(), None);
        // Strict mode, as the app configures it: a field the template needs is missing.
        assert_eq!(renderer.render("hello", json!({})).html(), None);
    }
}
