//go:build !faultmatrix

package reliability

// fullMatrix is false in the default run: TestFaultMatrix meets one fault
// of each kind. `go test -tags faultmatrix ./reliability` runs them all
// (and TestEveryFaultOnEverySource).
const fullMatrix = false
