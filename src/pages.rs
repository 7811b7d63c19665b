//! The pages the App serves: the setup pages and the running page, plain HTML forms that work without JavaScript. Every value from outside
//! (settings, query strings, GitHub's answers) goes through [`escape`].

use crate::webhook::WEBHOOK_PATH;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The path GitHub returns to after creating the App.
pub const CALLBACK_PATH: &str = "/setup/callback";

/// An HTML page with headers that keep it out of frames and caches, and keep the callback's
/// code out of `Referer` headers.
pub fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response()
}

/// `text` made safe for HTML text and for attribute values in double or single quotes.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Switchyard</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1f2328; }}
h1 {{ font-size: 1.6rem; }}
h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
code {{ background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px; overflow-wrap: anywhere; }}
button, .button {{ font: inherit; display: inline-block; padding: .45rem 1rem; border-radius: 6px; border: 1px solid #1a7f37; background: #1f883d; color: #fff; text-decoration: none; cursor: pointer; }}
input[type=text] {{ font: inherit; padding: .4rem; border: 1px solid #d0d7de; border-radius: 6px; }}
.problem {{ border-left: 4px solid #cf222e; padding-left: 1rem; }}
.note {{ color: #59636e; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"#,
        title = escape(title),
    )
}

/// What the registration page needs to offer the forms that post the manifest to GitHub.
pub struct Registration<'a> {
    pub public_url: &'a str,
    pub web_url: &'a str,
    pub manifest_json: &'a str,
    pub state: &'a str,
}

/// The organization part of the registration page.
pub enum Organization<'a> {
    /// Nothing typed yet.
    Ask,
    /// A valid name: the page offers the form for it.
    Chosen(&'a str),
    /// A name GitHub would not accept, and why.
    Invalid { typed: &'a str, problem: &'a str },
}

fn manifest_form(action: &str, manifest_json: &str, id: &str, label: &str) -> String {
    format!(
        r#"<form method="post" action="{action}">
<input type="hidden" name="manifest" value="{manifest}">
<button type="submit" id="{id}">{label}</button>
</form>"#,
        action = escape(action),
        manifest = escape(manifest_json),
        label = escape(label),
    )
}

fn organization_name_form(typed: &str) -> String {
    format!(
        r#"<form method="get" action="/setup">
<label for="organization">Organization name</label>
<input type="text" id="organization" name="organization" value="{typed}" required>
<button type="submit" id="choose-organization">Continue</button>
</form>"#,
        typed = escape(typed),
    )
}

pub fn register(registration: &Registration, organization: &Organization) -> String {
    let Registration {
        public_url,
        web_url,
        manifest_json,
        state,
    } = registration;
    let personal = manifest_form(
        &format!("{web_url}/settings/apps/new?state={state}"),
        manifest_json,
        "register-personal",
        "Register GitHub App",
    );
    let organization = match organization {
        Organization::Ask => organization_name_form(""),
        Organization::Chosen(org) => format!(
            "{}\n<p><a href=\"/setup\">Choose another organization</a></p>",
            manifest_form(
                &format!("{web_url}/organizations/{org}/settings/apps/new?state={state}"),
                manifest_json,
                "register-organization",
                &format!("Register GitHub App for {org}"),
            )
        ),
        Organization::Invalid { typed, problem } => format!(
            "<p class=\"problem\">{}</p>\n{}",
            escape(problem),
            organization_name_form(typed)
        ),
    };
    let body = format!(
        r#"<p>This server has no GitHub App yet. GitHub creates one from this server's manifest:
press the button, confirm on GitHub (you may change the App's name there; it must be unique),
and GitHub sends you back here. Then install the App on the repositories it should coordinate.</p>
<p>The App will send its webhooks to <code>{webhook}</code>, and GitHub will return to
<code>{callback}</code>.</p>
<h2>For your personal account</h2>
{personal}
<h2>For an organization</h2>
<p class="note">You need to own the organization, or manage its GitHub Apps.</p>
{organization}"#,
        webhook = escape(&format!("{public_url}{WEBHOOK_PATH}")),
        callback = escape(&format!("{public_url}{CALLBACK_PATH}")),
    );
    page("Register Switchyard", &body)
}

pub fn needs_public_url() -> String {
    page(
        "Set SWITCHYARD_PUBLIC_URL",
        r#"<p>This server has no GitHub App yet, and it does not know the address at which GitHub
reaches it. The App's webhook and the return from GitHub after registering both need it.</p>
<p>Set <code>SWITCHYARD_PUBLIC_URL</code> to this server's URL as GitHub sees it, for example
<code>https://switchyard.example.com</code> or <code>https://&lt;app&gt;.fly.dev</code>, restart
Switchyard and open this page again.</p>"#,
    )
}

/// The App GitHub created, and how saving and starting it went.
pub struct Registered<'a> {
    pub id: u64,
    pub slug: &'a str,
    pub web_url: &'a str,
    pub webhook_url: &'a str,
    pub credentials_path: &'a str,
    /// Why the credentials could not be saved, if they could not.
    pub not_saved: Option<&'a str>,
    /// Why the App could not start, if it could not.
    pub not_started: Option<&'a str>,
}

pub fn registered(app: &Registered) -> String {
    let slug = escape(app.slug);
    let install = escape(&format!(
        "{}/apps/{}/installations/new",
        app.web_url, app.slug
    ));
    let path = escape(app.credentials_path);
    let running = match app.not_started {
        None => format!(
            "<p>This server now runs as the App: it accepts webhooks signed with the App's secret at \
             <code>{}</code>.</p>",
            escape(app.webhook_url)
        ),
        Some(problem) => format!(
            "<p class=\"problem\">The App could not start: {}. Restart Switchyard; it starts \
             with the saved credentials.</p>",
            escape(problem)
        ),
    };
    let credentials = match app.not_saved {
        None => format!(
            "<p>The App's id, private key and webhook secret are saved in <code>{path}</code>, \
             readable only by the user that runs Switchyard, and the next start uses them. Guard \
             that file like a password. You may instead move the values into \
             <code>GITHUB_APP_ID</code>, <code>GITHUB_PRIVATE_KEY</code> and \
             <code>GITHUB_WEBHOOK_SECRET</code> and delete the file; settings in the environment \
             always win.</p>"
        ),
        Some(problem) => format!(
            "<p class=\"problem\">The credentials could not be saved to <code>{path}</code>: {}. \
             The App works until this process stops. To keep it, open the App's settings on \
             GitHub, generate a private key and set a new webhook secret, then start Switchyard \
             with <code>GITHUB_APP_ID={}</code>, <code>GITHUB_PRIVATE_KEY</code> and \
             <code>GITHUB_WEBHOOK_SECRET</code>.</p>",
            escape(problem),
            app.id
        ),
    };
    let body = format!(
        r#"<p>GitHub created the App <strong>{slug}</strong> (id {id}).</p>
{running}
<p><a class="button" id="install" href="{install}">Install {slug} on your repositories</a></p>
<h2>Its credentials</h2>
{credentials}"#,
        id = app.id,
    );
    page("Switchyard is registered", &body)
}

/// A callback this server cannot finish, and why.
pub fn refused(reason: &str) -> String {
    page(
        "The registration cannot finish",
        &format!(
            "<p class=\"problem\">{}</p>\n<p><a href=\"/setup\">Start again</a></p>",
            escape(reason)
        ),
    )
}

/// `/` and `/setup` of a server that started with its App's credentials.
pub fn running() -> String {
    page(
        "Switchyard is running",
        r#"<p>This server has its GitHub App's credentials and receives the App's webhooks at
<code>/webhook</code>.</p>
<p class="note">To register a different App, stop Switchyard, remove the App's settings from
its environment and its credentials file, and start it again.</p>"#,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_both_quotes() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_manifest_survives_the_hidden_field() {
        let registration = Registration {
            public_url: "https://s.example",
            web_url: "https://github.com",
            manifest_json: r#"{"name":"<Switchyard>","description":"a & b"}"#,
            state: "0123abcd",
        };
        let html = register(&registration, &Organization::Ask);
        assert!(html.contains(
            r#"value="{&quot;name&quot;:&quot;&lt;Switchyard&gt;&quot;,&quot;description&quot;:&quot;a &amp; b&quot;}""#
        ));
        assert!(html.contains(r#"action="https://github.com/settings/apps/new?state=0123abcd""#));
        assert!(!html.contains("<Switchyard>"));
    }

    #[test]
    fn a_typed_organization_name_is_escaped() {
        let registration = Registration {
            public_url: "https://s.example",
            web_url: "https://github.com",
            manifest_json: "{}",
            state: "s",
        };
        let html = register(
            &registration,
            &Organization::Invalid {
                typed: "\"><script>",
                problem: "not a name",
            },
        );
        assert!(html.contains(r#"value="&quot;&gt;&lt;script&gt;""#));
        assert!(!html.contains("<script>"));
    }
}
