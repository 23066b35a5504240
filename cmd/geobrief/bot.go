package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/geobrief/geobrief/config"
)

func botCmd(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	return errors.New("the Discord bot is not built yet")
}
