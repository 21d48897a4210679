//go:build reliability

package reliability

// analystRefreshes is how many refreshes the analysts' readers watch in the
// long run (-tags reliability, scripts/reliability.sh and CI).
const analystRefreshes = 10
