//go:build !reliability

package reliability

// analystRefreshes is how many refreshes the analysts' readers watch in the
// default test run; the long run (-tags reliability) watches 10.
const analystRefreshes = 3
