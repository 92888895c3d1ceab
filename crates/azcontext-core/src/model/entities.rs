//! Account, Tenant, Subscription and Environment: each wraps its JSON object.

use super::{
    check_members, get_str, map_get, map_iter, map_remove, map_set, merge_objects, set_member,
    Invalid, Ty,
};
use crate::jsonio::{Object, Value};
use crate::names::eq_ignore_case;

pub(crate) const ACCOUNT_ORDER: &[&str] = &[
    "Id",
    "Credential",
    "Type",
    "TenantMap",
    "ExtendedProperties",
];
const ACCOUNT_SPEC: &[(&str, Ty)] = &[
    ("Id", Ty::Str),
    ("Credential", Ty::Str),
    ("Type", Ty::Str),
    ("TenantMap", Ty::StrMap),
    ("ExtendedProperties", Ty::StrMap),
];
pub(crate) const TENANT_ORDER: &[&str] = &["Id", "Directory", "IsHome", "ExtendedProperties"];
const TENANT_SPEC: &[(&str, Ty)] = &[
    ("Id", Ty::Str),
    ("Directory", Ty::Str),
    ("IsHome", Ty::Any),
    ("ExtendedProperties", Ty::StrMap),
];
pub(crate) const SUBSCRIPTION_ORDER: &[&str] = &["Id", "Name", "State", "ExtendedProperties"];
const SUBSCRIPTION_SPEC: &[(&str, Ty)] = &[
    ("Id", Ty::Str),
    ("Name", Ty::Str),
    ("State", Ty::Str),
    ("ExtendedProperties", Ty::StrMap),
];

/// The member order in which Az's current `AzureEnvironment` is written (its declaration order).
pub(crate) const ENVIRONMENT_ORDER: &[&str] = &[
    "Name",
    "Type",
    "OnPremise",
    "ServiceManagementUrl",
    "ResourceManagerUrl",
    "ManagementPortalUrl",
    "PublishSettingsFileUrl",
    "ActiveDirectoryAuthority",
    "GalleryUrl",
    "GraphUrl",
    "ActiveDirectoryServiceEndpointResourceId",
    "StorageEndpointSuffix",
    "SqlDatabaseDnsSuffix",
    "TrafficManagerDnsSuffix",
    "AzureKeyVaultDnsSuffix",
    "AzureKeyVaultServiceEndpointResourceId",
    "GraphEndpointResourceId",
    "DataLakeEndpointResourceId",
    "BatchEndpointResourceId",
    "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix",
    "AzureDataLakeStoreFileSystemEndpointSuffix",
    "AdTenant",
    "ContainerRegistryEndpointSuffix",
    "VersionProfiles",
    "ExtendedProperties",
];

fn environment_spec() -> Vec<(&'static str, Ty)> {
    ENVIRONMENT_ORDER
        .iter()
        .map(|&k| {
            let ty = match k {
                "OnPremise" => Ty::Bool,
                "VersionProfiles" => Ty::StrArray,
                "ExtendedProperties" => Ty::StrMap,
                _ => Ty::Str,
            };
            (k, ty)
        })
        .collect()
}

macro_rules! entity_common {
    ($t:ident, $order:expr, $spec:expr, $label:literal) => {
        impl $t {
            /// Validates the known members of `obj` and wraps it. Unknown members are kept.
            pub(crate) fn from_object(obj: Object) -> Result<$t, Invalid> {
                check_members(&obj, &$spec, $label)?;
                Ok($t { obj })
            }
            /// The underlying JSON object (unknown members included).
            pub fn as_object(&self) -> &Object {
                &self.obj
            }
            pub fn into_object(self) -> Object {
                self.obj
            }
            /// A string member by its Az name (matched ignoring case); `None` when absent or null.
            pub fn get_str(&self, member: &str) -> Option<&str> {
                get_str(&self.obj, member)
            }
            /// An `ExtendedProperties` entry, looked up ignoring case.
            pub fn ext(&self, key: &str) -> Option<&str> {
                map_get(&self.obj, "ExtendedProperties", key)
            }
            /// Sets an `ExtendedProperties` entry (an existing entry keeps the case of its name).
            pub fn set_ext(&mut self, key: &str, value: &str) {
                map_set(&mut self.obj, "ExtendedProperties", key, value, $order)
            }
            pub fn remove_ext(&mut self, key: &str) -> Option<String> {
                map_remove(&mut self.obj, "ExtendedProperties", key)
            }
            /// `ExtendedProperties` entries in stored order.
            pub fn ext_entries(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
                map_iter(&self.obj, "ExtendedProperties")
            }
            /// Az's `Update`: non-null members of `other` win; extended maps are unioned.
            pub fn merge_from(&mut self, other: &$t) {
                merge_objects(&mut self.obj, &other.obj, $order)
            }
        }
    };
}

/// `AzureAccount`: `Id`, `Credential`, `Type`, `TenantMap`, `ExtendedProperties`.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    obj: Object,
}
entity_common!(Account, ACCOUNT_ORDER, ACCOUNT_SPEC, "Account");

impl Account {
    /// A new account in Az's member order.
    pub fn new(id: &str, account_type: &str) -> Account {
        let mut obj = Object::with_capacity(5);
        obj.push("Id", id.into());
        obj.push("Credential", Value::Null);
        obj.push("Type", account_type.into());
        obj.push("TenantMap", Value::Object(Object::new()));
        obj.push("ExtendedProperties", Value::Object(Object::new()));
        Account { obj }
    }
    pub fn id(&self) -> Option<&str> {
        self.get_str("Id")
    }
    pub fn account_type(&self) -> Option<&str> {
        self.get_str("Type")
    }
    pub fn set_account_type(&mut self, t: Option<&str>) {
        set_member(&mut self.obj, "Type", Value::from_opt_str(t), ACCOUNT_ORDER)
    }
    /// The comma-joined `Tenants` extended property as a list (empty entries dropped).
    pub fn tenants(&self) -> Vec<&str> {
        self.ext("Tenants")
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `AzureTenant`: `Id`, `Directory`, `IsHome` (computed on write), `ExtendedProperties`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    obj: Object,
}
entity_common!(Tenant, TENANT_ORDER, TENANT_SPEC, "Tenant");

impl Tenant {
    /// A new tenant in Az's current member order (with `IsHome`).
    pub fn new(id: &str) -> Tenant {
        let mut obj = Object::with_capacity(4);
        obj.push("Id", id.into());
        obj.push("Directory", Value::Null);
        obj.push("IsHome", Value::Bool(true));
        obj.push("ExtendedProperties", Value::Object(Object::new()));
        Tenant { obj }
    }
    pub fn id(&self) -> Option<&str> {
        self.get_str("Id")
    }
    pub fn directory(&self) -> Option<&str> {
        self.get_str("Directory")
    }
    /// Az's computed `IsHome`: true when `ExtendedProperties.TenantCategory` is unset, empty or `Home`.
    pub fn is_home(&self) -> bool {
        match self.ext("TenantCategory") {
            None => true,
            Some(c) => c.is_empty() || c == "Home",
        }
    }
    /// Whether the stored object has an `IsHome` member (files from before mid-2020 do not).
    pub(crate) fn has_is_home(&self) -> bool {
        self.obj.contains_key_ci("IsHome")
    }
}

/// `AzureSubscription`: `Id`, `Name`, `State`, `ExtendedProperties`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    obj: Object,
}
entity_common!(
    Subscription,
    SUBSCRIPTION_ORDER,
    SUBSCRIPTION_SPEC,
    "Subscription"
);

impl Subscription {
    pub fn new(id: &str, name: Option<&str>, state: Option<&str>) -> Subscription {
        let mut obj = Object::with_capacity(4);
        obj.push("Id", id.into());
        obj.push("Name", Value::from_opt_str(name));
        obj.push("State", Value::from_opt_str(state));
        obj.push("ExtendedProperties", Value::Object(Object::new()));
        Subscription { obj }
    }
    pub fn id(&self) -> Option<&str> {
        self.get_str("Id")
    }
    pub fn name(&self) -> Option<&str> {
        self.get_str("Name")
    }
    pub fn set_name(&mut self, n: Option<&str>) {
        set_member(
            &mut self.obj,
            "Name",
            Value::from_opt_str(n),
            SUBSCRIPTION_ORDER,
        )
    }
    pub fn state(&self) -> Option<&str> {
        self.get_str("State")
    }
}

/// `AzureEnvironment`: a cloud's name and endpoints, members in [`ENVIRONMENT_ORDER`].
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    obj: Object,
}

impl Environment {
    pub(crate) fn from_object(obj: Object) -> Result<Environment, Invalid> {
        check_members(&obj, &environment_spec(), "Environment")?;
        Ok(Environment { obj })
    }
    /// An environment handed in as a JSON object (Add-/Set-AzEnvironment across the C ABI). It must
    /// have a non-empty `Name`; members are checked as when a profile is loaded.
    pub fn from_json(bytes: &[u8], source_name: &str) -> Result<Environment, crate::FormatError> {
        let v = crate::jsonio::parse(bytes, source_name)?;
        let fail = |message: String| crate::FormatError {
            source_name: source_name.to_owned(),
            line: 1,
            column: 1,
            message,
        };
        let Value::Object(obj) = v else {
            return Err(fail(format!(
                "expected an environment object, found {}",
                v.type_name()
            )));
        };
        let env = Environment::from_object(obj).map_err(|e| e.locate(bytes, false, source_name))?;
        match env.name() {
            Some(n) if !n.trim().is_empty() && !n.contains('\0') => Ok(env),
            _ => Err(fail("expected a non-empty string for 'Name'".to_owned())),
        }
    }
    pub fn as_object(&self) -> &Object {
        &self.obj
    }
    pub fn into_object(self) -> Object {
        self.obj
    }
    /// A new user-defined environment in Az's current member order: every endpoint null,
    /// `Type` `User-defined`, `OnPremise` false, `VersionProfiles` `[]`, `ExtendedProperties` `{}`.
    pub fn new(name: &str) -> Environment {
        let mut obj = Object::with_capacity(ENVIRONMENT_ORDER.len());
        for &k in ENVIRONMENT_ORDER {
            let v = match k {
                "Name" => name.into(),
                "Type" => "User-defined".into(),
                "OnPremise" => Value::Bool(false),
                "VersionProfiles" => Value::Array(Vec::new()),
                "ExtendedProperties" => Value::Object(Object::new()),
                _ => Value::Null,
            };
            obj.push(k, v);
        }
        Environment { obj }
    }
    pub fn name(&self) -> Option<&str> {
        get_str(&self.obj, "Name")
    }
    /// `Built-in`, `Discovered`, `User-defined`, or `None` in older files.
    pub fn env_type(&self) -> Option<&str> {
        get_str(&self.obj, "Type")
    }
    /// A string member (an endpoint) by its Az name, e.g. `ResourceManagerUrl`.
    pub fn get_str(&self, member: &str) -> Option<&str> {
        get_str(&self.obj, member)
    }
    /// Sets a string member by its Az name (inserted in Az order when absent). `OnPremise`,
    /// `VersionProfiles` and `ExtendedProperties` have their own setters and are refused here.
    pub fn set_str(&mut self, member: &str, value: Option<&str>) -> crate::Result<()> {
        if ["OnPremise", "VersionProfiles", "ExtendedProperties"]
            .iter()
            .any(|k| eq_ignore_case(k, member))
        {
            return Err(crate::Error::InvalidArgument(format!(
                "'{member}' is not a string member of an environment"
            )));
        }
        set_member(
            &mut self.obj,
            member,
            Value::from_opt_str(value),
            ENVIRONMENT_ORDER,
        );
        Ok(())
    }
    pub fn ext(&self, key: &str) -> Option<&str> {
        map_get(&self.obj, "ExtendedProperties", key)
    }
    pub fn set_ext(&mut self, key: &str, value: &str) {
        map_set(
            &mut self.obj,
            "ExtendedProperties",
            key,
            value,
            ENVIRONMENT_ORDER,
        )
    }
    pub fn remove_ext(&mut self, key: &str) -> Option<String> {
        map_remove(&mut self.obj, "ExtendedProperties", key)
    }
    pub fn ext_entries(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        map_iter(&self.obj, "ExtendedProperties")
    }
    /// Az's `Update` (Add-AzEnvironment onto an existing name): non-null members win, maps unioned.
    pub fn merge_from(&mut self, other: &Environment) {
        merge_objects(&mut self.obj, &other.obj, ENVIRONMENT_ORDER)
    }
}

/// The public environments, always available and never written to `EnvironmentTable`.
pub const PUBLIC_ENVIRONMENT_NAMES: &[&str] =
    &["AzureCloud", "AzureChinaCloud", "AzureUSGovernment"];

pub(crate) fn is_public_name(name: &str) -> bool {
    PUBLIC_ENVIRONMENT_NAMES
        .iter()
        .any(|p| eq_ignore_case(p, name))
}

fn built_in(name: &str, fields: &[(&str, &str)], ext: &[(&str, &str)]) -> Environment {
    let mut env = Environment::new(name);
    env.obj.insert("Type", "Built-in".into());
    for (k, v) in fields {
        env.obj.insert(*k, (*v).into());
    }
    let mut e = Object::with_capacity(ext.len());
    for (k, v) in ext {
        e.push(*k, (*v).into());
    }
    env.obj.insert("ExtendedProperties", Value::Object(e));
    env
}

/// AzureCloud, AzureChinaCloud and AzureUSGovernment with Az's built-in endpoint values.
pub fn public_environments() -> Vec<Environment> {
    vec![
        built_in(
            "AzureCloud",
            &[
                (
                    "ServiceManagementUrl",
                    "https://management.core.windows.net/",
                ),
                ("ResourceManagerUrl", "https://management.azure.com/"),
                ("ManagementPortalUrl", "https://portal.azure.com/"),
                (
                    "PublishSettingsFileUrl",
                    "https://go.microsoft.com/fwlink/?LinkID=301775",
                ),
                (
                    "ActiveDirectoryAuthority",
                    "https://login.microsoftonline.com/",
                ),
                ("GalleryUrl", "https://gallery.azure.com/"),
                ("GraphUrl", "https://graph.windows.net/"),
                (
                    "ActiveDirectoryServiceEndpointResourceId",
                    "https://management.core.windows.net/",
                ),
                ("StorageEndpointSuffix", "core.windows.net"),
                ("SqlDatabaseDnsSuffix", ".database.windows.net"),
                ("TrafficManagerDnsSuffix", "trafficmanager.net"),
                ("AzureKeyVaultDnsSuffix", "vault.azure.net"),
                (
                    "AzureKeyVaultServiceEndpointResourceId",
                    "https://vault.azure.net",
                ),
                ("GraphEndpointResourceId", "https://graph.windows.net/"),
                ("DataLakeEndpointResourceId", "https://datalake.azure.net/"),
                ("BatchEndpointResourceId", "https://batch.core.windows.net/"),
                (
                    "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix",
                    "azuredatalakeanalytics.net",
                ),
                (
                    "AzureDataLakeStoreFileSystemEndpointSuffix",
                    "azuredatalakestore.net",
                ),
                ("AdTenant", "Common"),
                ("ContainerRegistryEndpointSuffix", "azurecr.io"),
            ],
            &[
                (
                    "OperationalInsightsEndpoint",
                    "https://api.loganalytics.io/v1",
                ),
                (
                    "OperationalInsightsEndpointResourceId",
                    "https://api.loganalytics.io",
                ),
                ("AzureAnalysisServicesEndpointSuffix", "asazure.windows.net"),
                (
                    "AnalysisServicesEndpointResourceId",
                    "https://region.asazure.windows.net",
                ),
                ("AzureAttestationServiceEndpointSuffix", "attest.azure.net"),
                (
                    "AzureAttestationServiceEndpointResourceId",
                    "https://attest.azure.net",
                ),
                (
                    "AzureSynapseAnalyticsEndpointSuffix",
                    "dev.azuresynapse.net",
                ),
                (
                    "AzureSynapseAnalyticsEndpointResourceId",
                    "https://dev.azuresynapse.net",
                ),
                ("ManagedHsmServiceEndpointSuffix", "managedhsm.azure.net"),
                (
                    "ManagedHsmServiceEndpointResourceId",
                    "https://managedhsm.azure.net",
                ),
                ("MicrosoftGraphUrl", "https://graph.microsoft.com"),
                (
                    "MicrosoftGraphEndpointResourceId",
                    "https://graph.microsoft.com/",
                ),
            ],
        ),
        built_in(
            "AzureChinaCloud",
            &[
                (
                    "ServiceManagementUrl",
                    "https://management.core.chinacloudapi.cn/",
                ),
                ("ResourceManagerUrl", "https://management.chinacloudapi.cn/"),
                ("ManagementPortalUrl", "https://portal.azure.cn/"),
                (
                    "PublishSettingsFileUrl",
                    "https://go.microsoft.com/fwlink/?LinkID=301776",
                ),
                (
                    "ActiveDirectoryAuthority",
                    "https://login.chinacloudapi.cn/",
                ),
                ("GalleryUrl", "https://gallery.chinacloudapi.cn/"),
                ("GraphUrl", "https://graph.chinacloudapi.cn/"),
                (
                    "ActiveDirectoryServiceEndpointResourceId",
                    "https://management.core.chinacloudapi.cn/",
                ),
                ("StorageEndpointSuffix", "core.chinacloudapi.cn"),
                ("SqlDatabaseDnsSuffix", ".database.chinacloudapi.cn"),
                ("TrafficManagerDnsSuffix", "trafficmanager.cn"),
                ("AzureKeyVaultDnsSuffix", "vault.azure.cn"),
                (
                    "AzureKeyVaultServiceEndpointResourceId",
                    "https://vault.azure.cn",
                ),
                ("GraphEndpointResourceId", "https://graph.chinacloudapi.cn/"),
                ("BatchEndpointResourceId", "https://batch.chinacloudapi.cn/"),
                ("AdTenant", "Common"),
                ("ContainerRegistryEndpointSuffix", "azurecr.cn"),
            ],
            &[
                (
                    "OperationalInsightsEndpoint",
                    "https://api.loganalytics.azure.cn/v1",
                ),
                (
                    "OperationalInsightsEndpointResourceId",
                    "https://api.loganalytics.azure.cn",
                ),
                (
                    "AzureAnalysisServicesEndpointSuffix",
                    "asazure.chinacloudapi.cn",
                ),
                (
                    "AnalysisServicesEndpointResourceId",
                    "https://region.asazure.chinacloudapi.cn",
                ),
                (
                    "AzureSynapseAnalyticsEndpointSuffix",
                    "dev.azuresynapse.azure.cn",
                ),
                (
                    "AzureSynapseAnalyticsEndpointResourceId",
                    "https://dev.azuresynapse.azure.cn",
                ),
                ("ManagedHsmServiceEndpointSuffix", "managedhsm.azure.cn"),
                (
                    "ManagedHsmServiceEndpointResourceId",
                    "https://managedhsm.azure.cn",
                ),
                (
                    "MicrosoftGraphUrl",
                    "https://microsoftgraph.chinacloudapi.cn",
                ),
                (
                    "MicrosoftGraphEndpointResourceId",
                    "https://microsoftgraph.chinacloudapi.cn/",
                ),
            ],
        ),
        built_in(
            "AzureUSGovernment",
            &[
                (
                    "ServiceManagementUrl",
                    "https://management.core.usgovcloudapi.net/",
                ),
                (
                    "ResourceManagerUrl",
                    "https://management.usgovcloudapi.net/",
                ),
                ("ManagementPortalUrl", "https://portal.azure.us/"),
                (
                    "PublishSettingsFileUrl",
                    "https://manage.windowsazure.us/publishsettings/index",
                ),
                (
                    "ActiveDirectoryAuthority",
                    "https://login.microsoftonline.us/",
                ),
                ("GalleryUrl", "https://gallery.usgovcloudapi.net/"),
                ("GraphUrl", "https://graph.windows.net/"),
                (
                    "ActiveDirectoryServiceEndpointResourceId",
                    "https://management.core.usgovcloudapi.net/",
                ),
                ("StorageEndpointSuffix", "core.usgovcloudapi.net"),
                ("SqlDatabaseDnsSuffix", ".database.usgovcloudapi.net"),
                ("TrafficManagerDnsSuffix", "usgovtrafficmanager.net"),
                ("AzureKeyVaultDnsSuffix", "vault.usgovcloudapi.net"),
                (
                    "AzureKeyVaultServiceEndpointResourceId",
                    "https://vault.usgovcloudapi.net",
                ),
                ("GraphEndpointResourceId", "https://graph.windows.net/"),
                (
                    "BatchEndpointResourceId",
                    "https://batch.core.usgovcloudapi.net/",
                ),
                ("AdTenant", "Common"),
                ("ContainerRegistryEndpointSuffix", "azurecr.us"),
            ],
            &[
                (
                    "OperationalInsightsEndpoint",
                    "https://api.loganalytics.us/v1",
                ),
                (
                    "OperationalInsightsEndpointResourceId",
                    "https://api.loganalytics.us",
                ),
                (
                    "AzureAnalysisServicesEndpointSuffix",
                    "asazure.usgovcloudapi.net",
                ),
                (
                    "AnalysisServicesEndpointResourceId",
                    "https://region.asazure.usgovcloudapi.net",
                ),
                (
                    "ManagedHsmServiceEndpointSuffix",
                    "managedhsm.usgovcloudapi.net",
                ),
                (
                    "ManagedHsmServiceEndpointResourceId",
                    "https://managedhsm.usgovcloudapi.net",
                ),
                ("MicrosoftGraphUrl", "https://graph.microsoft.us"),
                (
                    "MicrosoftGraphEndpointResourceId",
                    "https://graph.microsoft.us/",
                ),
            ],
        ),
    ]
}
