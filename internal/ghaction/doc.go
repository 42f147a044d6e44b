// Package ghaction holds no code: its tests check the GitHub Action
// (action.yml at the repository root), the workflows under .github/workflows
// and the README's example workflow, which actionlint checks only in part (it
// reads an action's metadata only where a workflow uses it, and never its
// steps).
package ghaction
