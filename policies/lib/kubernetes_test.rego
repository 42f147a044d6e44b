package lib.kubernetes_test

import data.lib.kubernetes

test_join_path_plain_key if {
	kubernetes.join_path("metadata.labels", "app") == "metadata.labels.app"
	kubernetes.join_path("", "spec") == "spec"
}

test_join_path_quotes_keys_that_need_it if {
	kubernetes.join_path("metadata.annotations", "kubernetes.io/service-account.name") == `metadata.annotations["kubernetes.io/service-account.name"]`
	kubernetes.join_path("metadata.annotations", "x]y.z") == `metadata.annotations["x]y.z"]`
	kubernetes.join_path("data", `say "hi"`) == `data["say \"hi\""]`
	kubernetes.join_path("data", "") == `data[""]`
}
