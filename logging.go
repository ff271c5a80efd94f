package main

import "os"

// logLevelVariables are the variables with which a user asks Terraform for
// provider logs; Terraform hands them to the provider's process.
var logLevelVariables = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_SECURESCORE",
	"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_ACC_LOG_PATH",
}

// quietUnlessAsked: without any log level set, terraform-plugin-log writes
// every TRACE line (the framework writes several per attribute of every
// resource) for Terraform to parse and throw away. When nobody asked for
// logs, only warnings and errors are written; any TF_LOG* variable restores
// the usual behaviour. A 300-resource refresh spent a fifth of the
// provider's CPU formatting those lines (bench/RESULTS.md).
func quietUnlessAsked() {
	for _, name := range logLevelVariables {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_SECURESCORE"} {
		_ = os.Setenv(name, "WARN")
	}
}

func init() { quietUnlessAsked() }
