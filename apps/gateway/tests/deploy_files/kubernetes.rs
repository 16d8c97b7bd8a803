//! deploy/k8s: the fields kubectl requires, probes, replicas, the locked-down pod, the migration
//! job and the kustomization.

use std::collections::BTreeSet;

use yaml_rust2::Yaml;

use super::{assert_known, assert_required_set, keys, repo, str_of, yaml};

/// The documents of deploy/k8s, by kind.
struct Manifests(Vec<Yaml>);

impl Manifests {
    fn load() -> Self {
        let mut docs = Vec::new();
        for entry in std::fs::read_dir(repo("deploy/k8s")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".yaml") && name != "kustomization.yaml" {
                docs.extend(yaml(&format!("deploy/k8s/{name}")));
            }
        }
        Self(docs)
    }

    fn kind(&self, kind: &str) -> &Yaml {
        let found: Vec<&Yaml> = self
            .0
            .iter()
            .filter(|d| d["kind"].as_str() == Some(kind))
            .collect();
        assert_eq!(found.len(), 1, "one {kind}");
        found[0]
    }
}

fn assert_locked_down(pod: &Yaml, what: &str) {
    assert_eq!(
        pod["securityContext"]["runAsNonRoot"].as_bool(),
        Some(true),
        "{what}"
    );
    for container in pod["containers"].as_vec().unwrap() {
        let security = &container["securityContext"];
        assert_eq!(
            security["readOnlyRootFilesystem"].as_bool(),
            Some(true),
            "{what}"
        );
        assert_eq!(
            security["allowPrivilegeEscalation"].as_bool(),
            Some(false),
            "{what}"
        );
        assert!(
            container["resources"]["requests"].as_hash().is_some(),
            "{what}"
        );
        assert!(
            container["resources"]["limits"].as_hash().is_some(),
            "{what}"
        );
        let sources: BTreeSet<&str> = container["envFrom"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|source| {
                let reference = if source["configMapRef"].is_badvalue() {
                    &source["secretRef"]
                } else {
                    &source["configMapRef"]
                };
                str_of(&reference["name"], "envFrom")
            })
            .collect();
        assert_eq!(
            sources,
            BTreeSet::from(["owp-config", "owp-secrets"]),
            "{what}"
        );
    }
}

#[test]
fn kubernetes_manifests_have_the_fields_kubectl_requires() {
    let manifests = Manifests::load();
    for doc in &manifests.0 {
        let kind = str_of(&doc["kind"], "kind");
        assert!(
            doc["apiVersion"].as_str().is_some(),
            "{kind} has no apiVersion"
        );
        let name = str_of(&doc["metadata"]["name"], "metadata.name");
        if kind != "Namespace" {
            assert_eq!(
                doc["metadata"]["namespace"].as_str(),
                Some("owp"),
                "{kind} {name}"
            );
        }
    }
    for kind in ["Deployment", "Job"] {
        let spec = &manifests.kind(kind)["spec"];
        for container in spec["template"]["spec"]["containers"].as_vec().unwrap() {
            assert!(
                container["name"].as_str().is_some(),
                "{kind} container name"
            );
            assert!(
                container["image"].as_str().is_some(),
                "{kind} container image"
            );
        }
    }
    let deployment = &manifests.kind("Deployment")["spec"];
    assert_eq!(
        deployment["selector"]["matchLabels"], deployment["template"]["metadata"]["labels"],
        "the Deployment selects its own pods"
    );
}

/// Whether `port` (a number or a name) is one the container declares.
fn declares_port(container: &Yaml, port: &Yaml) -> bool {
    container["ports"]
        .as_vec()
        .unwrap()
        .iter()
        .any(|declared| match port {
            Yaml::Integer(number) => declared["containerPort"].as_i64() == Some(*number),
            Yaml::String(name) => declared["name"].as_str() == Some(name.as_str()),
            _ => false,
        })
}

#[test]
fn kubernetes_manifests_have_probes_replicas_a_locked_down_pod_and_a_migrate_job() {
    let manifests = Manifests::load();

    let deployment = manifests.kind("Deployment");
    assert_eq!(deployment["spec"]["replicas"].as_i64(), Some(2));
    let pod = &deployment["spec"]["template"]["spec"];
    assert_locked_down(pod, "Deployment");
    let container = &pod["containers"][0];
    assert_eq!(
        str_of(&container["livenessProbe"]["httpGet"]["path"], "liveness"),
        "/healthz"
    );
    assert_eq!(
        str_of(&container["readinessProbe"]["httpGet"]["path"], "readiness"),
        "/readyz"
    );
    for probe in ["livenessProbe", "readinessProbe"] {
        assert!(
            declares_port(container, &container[probe]["httpGet"]["port"]),
            "{probe} asks a port the container does not declare"
        );
    }
    assert_eq!(container["ports"][0]["containerPort"].as_i64(), Some(8080));
    assert!(
        declares_port(
            container,
            &manifests.kind("Service")["spec"]["ports"][0]["targetPort"]
        ),
        "the Service targets a port the container does not declare"
    );
    let tmp = container["volumeMounts"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|m| m["mountPath"].as_str() == Some("/tmp"))
        .expect("/tmp is mounted");
    let volume = pod["volumes"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|v| v["name"] == tmp["name"])
        .expect("the /tmp volume");
    assert!(volume["emptyDir"].as_hash().is_some());

    let job = manifests.kind("Job");
    let job_pod = &job["spec"]["template"]["spec"];
    assert_locked_down(job_pod, "Job");
    assert_eq!(
        job_pod["containers"][0]["args"].as_vec().unwrap(),
        &[Yaml::String("migrate".into())]
    );
    assert_eq!(job_pod["containers"][0]["image"], container["image"]);

    let config_names = keys(&manifests.kind("ConfigMap")["data"]);
    let secret_names = keys(&manifests.kind("Secret")["stringData"]);
    assert_known(config_names.clone(), "ConfigMap");
    assert_known(secret_names.clone(), "Secret template");
    assert_required_set(
        &config_names.into_iter().chain(secret_names).collect(),
        "the ConfigMap with the Secret template",
    );
    assert_eq!(
        str_of(&manifests.kind("ConfigMap")["metadata"]["name"], "name"),
        "owp-config"
    );
    assert_eq!(
        str_of(&manifests.kind("Secret")["metadata"]["name"], "name"),
        "owp-secrets"
    );

    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(
        &manifests.kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        labels
    );
    assert_eq!(&manifests.kind("Service")["spec"]["selector"], labels);
    let hpa = &manifests.kind("HorizontalPodAutoscaler")["spec"];
    assert!(hpa["minReplicas"].as_i64().unwrap() >= 2);
    assert_eq!(
        hpa["scaleTargetRef"]["name"],
        deployment["metadata"]["name"]
    );

    let annotations = &manifests.kind("Ingress")["metadata"]["annotations"];
    assert_eq!(
        str_of(
            &annotations["nginx.ingress.kubernetes.io/proxy-buffering"],
            "buffering"
        ),
        "off"
    );
    for timeout in ["proxy-read-timeout", "proxy-send-timeout"] {
        let secs: u64 = str_of(
            &annotations[format!("nginx.ingress.kubernetes.io/{timeout}").as_str()],
            timeout,
        )
        .parse()
        .unwrap();
        assert!(secs >= 600, "{timeout} {secs}");
    }
}

#[test]
fn kustomization_lists_every_manifest_but_the_secret_template() {
    let kustomization = &yaml("deploy/k8s/kustomization.yaml")[0];
    let listed: BTreeSet<String> = kustomization["resources"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|r| str_of(r, "resource").to_owned())
        .collect();
    let present: BTreeSet<String> = std::fs::read_dir(repo("deploy/k8s"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml") && n != "kustomization.yaml" && n != "secret.example.yaml")
        .collect();
    assert_eq!(listed, present);
}
