package acme.audience_allowlist_test

import data.acme.audience_allowlist

pod(audience) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "app"},
	"spec": {"volumes": [
		{"name": "config", "configMap": {"name": "app"}},
		{"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "audience": audience}}]}},
	]},
}

test_unknown_audience_denied if {
	some finding in audience_allowlist.deny with input as pod("https://partner.example.net")
	finding.path == "spec.volumes[1].projected.sources[0].serviceAccountToken.audience"
	contains(finding.msg, `"https://partner.example.net"`)
}

test_allowed_audience_accepted if {
	count(audience_allowlist.deny) == 0 with input as pod("vault")
}

test_missing_audience_left_to_TL101 if {
	count(audience_allowlist.deny) == 0 with input as pod("")
}

test_cronjob_path if {
	cronjob := {
		"apiVersion": "batch/v1",
		"kind": "CronJob",
		"metadata": {"name": "report"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": pod("partner").spec}}}},
	}
	some finding in audience_allowlist.deny with input as cronjob
	startswith(finding.path, "spec.jobTemplate.spec.template.spec.volumes[1]")
}
