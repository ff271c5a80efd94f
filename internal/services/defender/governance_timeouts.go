package defender

import "time"

// governanceTimeout bounds a governance write or read, retries included,
// unless the resource's timeouts block says otherwise.
const governanceTimeout = 10 * time.Minute
