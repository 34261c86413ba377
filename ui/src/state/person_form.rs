//! The two forms that create a person: Set up (account name, your name, email, password) and
//! Add member (name, email, temporary password). Values as typed, which inputs were visited,
//! whether a submit was tried, and the backend's last refusal. Checks are
//! `tenure_core::wire`'s, the backend's own.

use std::rc::Rc;

use tenure_core::wire::{
    normalize_email, validate_name, validate_new_password, AddMemberRequest, SetupRequest,
};
use tenure_core::AppError;
use yew::Reducible;

/// Which form this is: it decides the fields and their wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonFormKind {
    Setup,
    Member,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonField {
    AccountName,
    Name,
    Email,
    Password,
}

impl PersonField {
    fn index(self) -> usize {
        self as usize
    }
}

impl PersonFormKind {
    pub fn fields(self) -> &'static [PersonField] {
        match self {
            PersonFormKind::Setup => &[
                PersonField::AccountName,
                PersonField::Name,
                PersonField::Email,
                PersonField::Password,
            ],
            PersonFormKind::Member => {
                &[PersonField::Name, PersonField::Email, PersonField::Password]
            }
        }
    }

    /// The field's name in requests and in `AppError::Validation.field`.
    pub fn key(self, field: PersonField) -> &'static str {
        match (self, field) {
            (_, PersonField::AccountName) => "account_name",
            (PersonFormKind::Setup, PersonField::Name) => "owner_name",
            (PersonFormKind::Member, PersonField::Name) => "name",
            (_, PersonField::Email) => "email",
            (_, PersonField::Password) => "password",
        }
    }

    fn label(self, field: PersonField) -> &'static str {
        match (self, field) {
            (_, PersonField::AccountName) => "Account name",
            (PersonFormKind::Setup, PersonField::Name) => "Your name",
            (PersonFormKind::Member, PersonField::Name) => "Name",
            (_, PersonField::Email) => "Email",
            (_, PersonField::Password) => "Password",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonForm {
    pub kind: PersonFormKind,
    values: [String; 4],
    touched: [bool; 4],
    submitted: bool,
    /// What the backend said about the last submit; cleared by the next edit.
    pub server_error: Option<AppError>,
    pub busy: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PersonAction {
    Set(PersonField, String),
    /// The input lost focus: from now on its error shows as the person types.
    Blur(PersonField),
    /// Submit was pressed: every error shows; `busy` if the form was valid and is being sent.
    Submit,
    Failed(AppError),
    /// Added: start again empty (Add member stays on the page).
    Reset,
}

impl PersonForm {
    pub fn new(kind: PersonFormKind) -> Self {
        Self {
            kind,
            values: Default::default(),
            touched: [false; 4],
            submitted: false,
            server_error: None,
            busy: false,
        }
    }

    pub fn value(&self, field: PersonField) -> &str {
        &self.values[field.index()]
    }

    /// The check for one field, whether or not it is shown yet.
    fn check(&self, field: PersonField) -> Result<(), AppError> {
        let raw = self.value(field);
        match field {
            PersonField::Email => normalize_email(raw).map(drop),
            PersonField::Password => validate_new_password(raw),
            PersonField::AccountName | PersonField::Name => {
                validate_name(self.kind.key(field), self.kind.label(field), raw).map(drop)
            }
        }
    }

    /// The error to show under a field: the local check once the field was visited or a submit
    /// was tried, else the backend's if it named this field.
    pub fn error(&self, field: PersonField) -> Option<String> {
        if self.touched[field.index()] || self.submitted {
            if let Err(e) = self.check(field) {
                return Some(e.to_string());
            }
        }
        match &self.server_error {
            Some(AppError::Validation { field: f, message })
            | Some(AppError::Conflict {
                field: Some(f),
                message,
            }) if f == self.kind.key(field) => Some(message.clone()),
            _ => None,
        }
    }

    /// The local errors for the summary above the submit button, once a submit was tried.
    /// The backend's refusal is shown there too, by the page, worded by `api::describe`.
    pub fn summary(&self) -> Vec<String> {
        if !self.submitted {
            return Vec::new();
        }
        self.kind
            .fields()
            .iter()
            .filter_map(|f| self.check(*f).err().map(|e| e.to_string()))
            .collect()
    }

    pub fn is_valid(&self) -> bool {
        self.kind.fields().iter().all(|f| self.check(*f).is_ok())
    }

    pub fn setup_request(&self) -> Option<SetupRequest> {
        (self.kind == PersonFormKind::Setup && self.is_valid()).then(|| SetupRequest {
            account_name: self.value(PersonField::AccountName).trim().to_owned(),
            owner_name: self.value(PersonField::Name).trim().to_owned(),
            email: self.value(PersonField::Email).trim().to_owned(),
            password: self.value(PersonField::Password).to_owned(),
        })
    }

    pub fn member_request(&self) -> Option<AddMemberRequest> {
        (self.kind == PersonFormKind::Member && self.is_valid()).then(|| AddMemberRequest {
            name: self.value(PersonField::Name).trim().to_owned(),
            email: self.value(PersonField::Email).trim().to_owned(),
            password: self.value(PersonField::Password).to_owned(),
        })
    }
}

impl Reducible for PersonForm {
    type Action = PersonAction;

    fn reduce(self: Rc<Self>, action: PersonAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PersonAction::Set(field, value) => {
                next.values[field.index()] = value;
                next.server_error = None;
            }
            PersonAction::Blur(field) => {
                // An untouched empty field left by tabbing through is not yet a mistake.
                if !self.value(field).is_empty() {
                    next.touched[field.index()] = true;
                }
            }
            PersonAction::Submit => {
                next.submitted = true;
                next.server_error = None;
                next.busy = self.is_valid();
            }
            PersonAction::Failed(e) => {
                next.server_error = Some(e);
                next.busy = false;
            }
            PersonAction::Reset => next = Self::new(self.kind),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(kind: PersonFormKind, values: &[(PersonField, &str)]) -> Rc<PersonForm> {
        values
            .iter()
            .fold(Rc::new(PersonForm::new(kind)), |f, (k, v)| {
                f.reduce(PersonAction::Set(*k, (*v).to_owned()))
            })
    }

    fn good_member() -> Rc<PersonForm> {
        filled(
            PersonFormKind::Member,
            &[
                (PersonField::Name, " Grace "),
                (PersonField::Email, " Grace@Example.com"),
                (PersonField::Password, "temporary-pass"),
            ],
        )
    }

    #[test]
    fn errors_wait_for_blur_or_submit() {
        let f = filled(PersonFormKind::Member, &[(PersonField::Email, "grace")]);
        assert_eq!(f.error(PersonField::Email), None);
        let f = f.reduce(PersonAction::Blur(PersonField::Email));
        assert_eq!(
            f.error(PersonField::Email).as_deref(),
            Some("Enter an email address such as name@example.com")
        );
        assert_eq!(f.error(PersonField::Name), None);
        let f = f.reduce(PersonAction::Submit);
        assert_eq!(
            f.error(PersonField::Name).as_deref(),
            Some("Name is required")
        );
        assert!(!f.busy);
        assert_eq!(f.summary().len(), 3);
    }

    #[test]
    fn setup_names_its_fields_for_the_backend() {
        let f = filled(PersonFormKind::Setup, &[]).reduce(PersonAction::Submit);
        assert_eq!(
            f.error(PersonField::AccountName).as_deref(),
            Some("Account name is required")
        );
        assert_eq!(
            f.error(PersonField::Name).as_deref(),
            Some("Your name is required")
        );
        assert_eq!(
            f.error(PersonField::Password).as_deref(),
            Some("Password must be at least 10 characters")
        );
        assert_eq!(PersonFormKind::Setup.key(PersonField::Name), "owner_name");
        assert_eq!(PersonFormKind::Member.key(PersonField::Name), "name");
    }

    #[test]
    fn a_valid_form_builds_a_trimmed_request() {
        let f = good_member().reduce(PersonAction::Submit);
        assert!(f.busy);
        let r = f.member_request().unwrap();
        assert_eq!(
            (r.name.as_str(), r.email.as_str()),
            ("Grace", "Grace@Example.com")
        );
        assert!(f.setup_request().is_none());
    }

    #[test]
    fn the_backends_refusal_shows_under_its_field_until_edited() {
        let conflict = AppError::Conflict {
            field: Some("email".into()),
            message: "That email is already in use.".into(),
        };
        let f = good_member()
            .reduce(PersonAction::Submit)
            .reduce(PersonAction::Failed(conflict));
        assert!(!f.busy);
        assert_eq!(
            f.error(PersonField::Email).as_deref(),
            Some("That email is already in use.")
        );
        assert!(f.summary().is_empty());
        let f = f.reduce(PersonAction::Set(
            PersonField::Email,
            "g@example.com".into(),
        ));
        assert_eq!(f.error(PersonField::Email), None);
    }

    #[test]
    fn reset_clears_everything() {
        let f = good_member()
            .reduce(PersonAction::Submit)
            .reduce(PersonAction::Reset);
        assert_eq!(f.value(PersonField::Name), "");
        assert!(f.summary().is_empty());
        assert!(!f.busy);
    }
}
