// Package rules holds tokenlint's built-in Go rules, one file per rule, and
// the explicit list All. Rules see one object at a time through an
// analyzer.Pass and report a field path and a message; they never print, sort
// or filter.
package rules

import "github.com/tokenlint/tokenlint/analyzer"

// All returns the built-in Go rules in catalog order.
func All() []*analyzer.Rule {
	return []*analyzer.Rule{
		ProjectedTokenMissingAudience,
		ProjectedTokenExpirationTooShort,
		ProjectedTokenExpirationTooLong,
		ProjectedTokenAudienceNotAllowed,
		LegacyTokenSecretConsumed,
		AutomountedToken,
		TokenNotReloaded,
		DeprecatedServiceAccountField,
		ServiceAccountFieldsDisagree,
		ServiceAccountNotInInput,
		DefaultServiceAccount,
		ProjectedTokenPathInvalid,
		IssuerNotHTTPS,
		TokenFlagsMissing,
		AudienceSharedWithTokens,
		ThirdPartyAudience,
		MaxExpirationTooLong,
		ExtendedTokenExpiration,
		OpenShiftIssuerChange,
		NamespaceOnClusterScoped,
	}
}
