package relay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Healthd reads blocks from a healthd node's CometBFT RPC (JSON over HTTP),
// without importing the chain's module: only the few fields the relay needs
// are decoded, in the shape CometBFT v0.38/v0.39 writes them.
type Healthd struct {
	base   string
	client *http.Client
}

// NewHealthd returns a reader of the CometBFT RPC at base (http://127.0.0.1:26657).
func NewHealthd(base string) (*Healthd, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("healthd RPC %q: want http://host:port", base)
	}
	return &Healthd{base: strings.TrimRight(base, "/"), client: &http.Client{Timeout: 15 * time.Second}}, nil
}

// rpcResponse is CometBFT's JSON-RPC envelope.
type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
}

func (h *Healthd) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	var r rpcResponse
	if err := json.Unmarshal(bz, &r); err != nil {
		return fmt.Errorf("healthd %s: HTTP %d, not JSON-RPC: %w", path, resp.StatusCode, err)
	}
	if r.Error != nil {
		return fmt.Errorf("healthd %s: %s: %s", path, r.Error.Message, r.Error.Data)
	}
	if len(r.Result) == 0 {
		return fmt.Errorf("healthd %s: HTTP %d, empty result", path, resp.StatusCode)
	}
	return json.Unmarshal(r.Result, out)
}

// int64String decodes an integer CometBFT writes as a JSON string (amino JSON
// writes 64-bit integers as strings), or as a number.
type int64String int64

func (v *int64String) UnmarshalJSON(bz []byte) error {
	s := strings.Trim(string(bz), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("integer %s: %w", bz, err)
	}
	*v = int64String(n)
	return nil
}

// Status is the part of /status the relay uses.
type Status struct {
	Network string
	Height  int64
	Time    time.Time
}

// Status returns the node's chain id and latest committed height.
func (h *Healthd) Status(ctx context.Context) (Status, error) {
	var r struct {
		NodeInfo struct {
			Network string `json:"network"`
		} `json:"node_info"`
		SyncInfo struct {
			LatestBlockHeight int64String `json:"latest_block_height"`
			LatestBlockTime   time.Time   `json:"latest_block_time"`
			CatchingUp        bool        `json:"catching_up"`
		} `json:"sync_info"`
	}
	if err := h.get(ctx, "/status", &r); err != nil {
		return Status{}, err
	}
	return Status{Network: r.NodeInfo.Network, Height: int64(r.SyncInfo.LatestBlockHeight), Time: r.SyncInfo.LatestBlockTime}, nil
}

// Event is one ABCI event with its attributes decoded: typed events' values
// are JSON (strings quoted, 64-bit integers as strings); a value that is not
// JSON is kept as written.
type Event struct {
	Type  string
	Attrs map[string]string
}

type abciEvent struct {
	Type       string `json:"type"`
	Attributes []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"attributes"`
}

func (e abciEvent) decode() Event {
	out := Event{Type: e.Type, Attrs: make(map[string]string, len(e.Attributes))}
	for _, a := range e.Attributes {
		v := a.Value
		var s string
		if err := json.Unmarshal([]byte(v), &s); err == nil {
			v = s
		}
		out.Attrs[a.Key] = v
	}
	return out
}

// BlockEvents returns the events of the successful transactions of block height,
// in order, then the block's own (begin and end block) events.
func (h *Healthd) BlockEvents(ctx context.Context, height int64) ([]Event, error) {
	var r struct {
		Height     int64String `json:"height"`
		TxsResults []struct {
			Code   uint32      `json:"code"`
			Events []abciEvent `json:"events"`
		} `json:"txs_results"`
		FinalizeBlockEvents []abciEvent `json:"finalize_block_events"`
	}
	if err := h.get(ctx, "/block_results?height="+strconv.FormatInt(height, 10), &r); err != nil {
		return nil, err
	}
	if int64(r.Height) != height {
		return nil, fmt.Errorf("healthd block_results: asked for height %d, got %d", height, r.Height)
	}
	var out []Event
	for _, tx := range r.TxsResults {
		if tx.Code != 0 { // a failed transaction changed nothing
			continue
		}
		for _, e := range tx.Events {
			out = append(out, e.decode())
		}
	}
	for _, e := range r.FinalizeBlockEvents {
		out = append(out, e.decode())
	}
	return out, nil
}
