//! `owp user …`: the operator manages users by email. Passwords never come from the command
//! line (where the process list and shell history would keep them): `--password-stdin` reads
//! the first line of stdin, otherwise a random password is generated and printed once.

use std::process::ExitCode;

use clap::Subcommand;
use owp_db::Page;
use owp_identity::operator::{self, NewAccount};
use owp_identity::users::{User, UserFilter, UserStatus};

use super::admin::{Failure, current_database, finish, for_changes, hash, new_password};
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub(super) enum UserCommand {
    /// List users of every organization, newest first, one tab-separated line each (email,
    /// status, roles, id, name); at most 500.
    List {
        /// Only users in this state.
        #[arg(long, value_enum)]
        status: Option<Status>,
        /// Only holders of this role.
        #[arg(long)]
        role: Option<String>,
        /// Only users whose email or name contains this text.
        #[arg(long)]
        search: Option<String>,
    },
    /// Create an active user in the default organization with a password.
    Create {
        /// Login name.
        email: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// A role to give (repeatable); default `user`.
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        /// Read the password from the first line of stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Approve a pending registration.
    Approve {
        /// The pending user's email.
        email: String,
        /// A role to give (repeatable); default `user`.
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
    },
    /// Disable a user: they cannot sign in, their sessions end; history stays.
    Disable {
        /// The user's email.
        email: String,
    },
    /// Set a user's password and end their sessions.
    SetPassword {
        /// The user's email.
        email: String,
        /// Read the password from the first line of stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add a role to a user's roles.
    Grant {
        /// The user's email.
        email: String,
        /// The role's name (e.g. `admin`, `user`, a custom role).
        role: String,
    },
}

/// A user state, as `--status` takes it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum Status {
    /// Waiting for approval.
    Pending,
    /// Can sign in.
    Active,
    /// Switched off.
    Disabled,
    /// Registration refused.
    Rejected,
}

impl From<Status> for UserStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Pending => UserStatus::Pending,
            Status::Active => UserStatus::Active,
            Status::Disabled => UserStatus::Disabled,
            Status::Rejected => UserStatus::Rejected,
        }
    }
}

impl UserCommand {
    /// Runs the command against the configured database.
    pub(super) async fn run(self, config: Config) -> ExitCode {
        finish(self.execute(&config).await)
    }

    async fn execute(self, config: &Config) -> Result<(), Failure> {
        let at = owp_db::time::now();
        match self {
            UserCommand::List {
                status,
                role,
                search,
            } => {
                let db = current_database(config).await.map_err(Failure::Failed)?;
                let filter = UserFilter {
                    organization_id: None,
                    status: status.map(UserStatus::from),
                    role,
                    text: search.filter(|s| !s.trim().is_empty()),
                };
                let page = Page::new(Some(Page::MAX_LIMIT), None)
                    .map_err(|e| Failure::Failed(e.message))?;
                let found = db
                    .run(move |conn| operator::list_users(conn, filter, page))
                    .await?;
                println!("email\tstatus\troles\tid\tname");
                for user in &found.items {
                    println!("{}", line(user));
                }
                if found.total > i64::try_from(found.items.len()).unwrap_or(i64::MAX) {
                    eprintln!(
                        "owp: showing {} of {} users; narrow with --status, --role or --search",
                        found.items.len(),
                        found.total
                    );
                }
            }
            UserCommand::Create {
                email,
                name,
                roles,
                password_stdin,
            } => {
                let (password, generated) = new_password(password_stdin)?;
                let phc = hash(password.clone()).await?;
                let (db, ctx) = for_changes(config).await?;
                let account = NewAccount {
                    email,
                    full_name: name,
                    roles: if roles.is_empty() {
                        vec!["user".to_owned()]
                    } else {
                        roles
                    },
                };
                let user = db
                    .run(move |conn| operator::create_user(conn, &ctx, account, &phc, at))
                    .await?;
                println!("created {} {}", user.email, user.id);
                if generated {
                    println!("PASSWORD={password}");
                }
            }
            UserCommand::Approve { email, roles } => {
                let (db, ctx) = for_changes(config).await?;
                let user = db
                    .run(move |conn| operator::approve_user(conn, &ctx, &email, roles, at))
                    .await?;
                println!("approved {}", line(&user));
            }
            UserCommand::Disable { email } => {
                let (db, ctx) = for_changes(config).await?;
                let user = db
                    .run(move |conn| operator::disable_user(conn, &ctx, &email, at))
                    .await?;
                println!("disabled {}", line(&user));
            }
            UserCommand::SetPassword {
                email,
                password_stdin,
            } => {
                let (password, generated) = new_password(password_stdin)?;
                let phc = hash(password.clone()).await?;
                let (db, ctx) = for_changes(config).await?;
                let who = email.clone();
                db.run(move |conn| operator::set_password(conn, &ctx, &email, &phc, at))
                    .await?;
                println!("password set for {who}");
                if generated {
                    println!("PASSWORD={password}");
                }
            }
            UserCommand::Grant { email, role } => {
                let (db, ctx) = for_changes(config).await?;
                let user = db
                    .run(move |conn| operator::grant_role(conn, &ctx, &email, &role, at))
                    .await?;
                println!("granted {}", line(&user));
            }
        }
        Ok(())
    }
}

/// One user as a tab-separated line: email, status, roles, id, name.
fn line(user: &User) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        user.email,
        user.status.as_str(),
        user.roles.join(","),
        user.id,
        user.full_name.as_deref().unwrap_or("")
    )
}
