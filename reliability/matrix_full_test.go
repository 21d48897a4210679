//go:build faultmatrix

package reliability

// fullMatrix is true under the build tag faultmatrix: TestFaultMatrix runs
// every fault, each on its own source.
const fullMatrix = true
