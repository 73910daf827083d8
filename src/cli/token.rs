//! `token`: the API's bearer tokens (create, list, revoke).

use clap::Subcommand;
use stockflow::Exit;
use stockflow::error::Result;
use stockflow::model::{CompanyId, Timestamp};
use stockflow::ops::token;
use stockflow::render::Format;

use super::{App, opt};

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a token for a company's API clients; it is printed this once
    #[command(after_help = "Examples:
  stockflow token create --company 1 --name shop
  stockflow token create --company 1 --name erp --expires 2027-01-01 --format json")]
    Create {
        /// The company it acts for
        #[arg(long, value_name = "ID")]
        company: String,
        /// A label (which client holds it)
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        name: Option<String>,
        /// When it stops working (RFC 3339 or a date)
        #[arg(long, value_name = "TIME")]
        expires: Option<String>,
    },
    /// List tokens (never their secrets)
    #[command(after_help = "Example:\n  stockflow token list --company 1")]
    List {
        /// Only this company's
        #[arg(long, value_name = "ID")]
        company: Option<String>,
    },
    /// Revoke a token: its next request is refused
    #[command(after_help = "Example:\n  stockflow token revoke 3")]
    Revoke {
        /// The token's id
        id: String,
    },
}

pub fn run(cmd: TokenCmd, app: &App) -> Result<Exit> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        TokenCmd::Create {
            company,
            name,
            expires,
        } => {
            let company = CompanyId::parse(&company)?;
            let name = opt(name.as_deref(), |n| stockflow::model::name("token name", n))?;
            let expires = opt(expires.as_deref(), Timestamp::parse)?;
            let created = token::create(&mut db, &app.ctx, company, name.as_deref(), expires)?;
            out.object(&created)?;
            if app.format == Format::Table {
                out.line(&format!(
                    "token: {}\n(shown only this once: only its hash is stored)",
                    created.secret.expose()
                ))?;
            }
        }
        TokenCmd::List { company } => {
            let company = opt(company.as_deref(), CompanyId::parse)?;
            out.list(token::list(&mut db, company)?.into_iter().map(Ok))?
        }
        TokenCmd::Revoke { id } => {
            out.object(&token::revoke(&mut db, &app.ctx, token::parse_id(&id)?)?)?
        }
    }
    out.finish()?;
    Ok(Exit::Success)
}
