package defender

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// governanceTimeout bounds a governance write or read, retries included.
const governanceTimeout = 10 * time.Minute

// governanceDeadline bounds ctx by one operation's timeout, taken from the
// resource's timeouts block (governanceTimeout when not set); timeout is
// that block's Create, Read, Update or Delete method.
func governanceDeadline(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := timeout(ctx, governanceTimeout)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}
