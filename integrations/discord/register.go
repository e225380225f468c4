package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Install writes warroom's application commands (Commands) with one bulk
// overwrite: in guild when one is given (changes apply at once), else
// globally (Discord may take up to an hour to show them). It returns how
// many commands Discord now holds. `warroom discord register` runs it.
func Install(ctx context.Context, cfg Config, guild string) (int, error) {
	if cfg.BotToken == "" || cfg.AppID == "" {
		return 0, errors.New("discord: DISCORD_BOT_TOKEN and DISCORD_APP_ID are required")
	}
	base, err := apiBase(cfg.APIURL)
	if err != nil {
		return 0, err
	}
	api, err := discordgo.New("Bot " + cfg.BotToken)
	if err != nil {
		return 0, fmt.Errorf("discord: %w", err)
	}
	api.Client = &http.Client{Timeout: callTimeout, Transport: &transport{base: base, next: http.DefaultTransport, budget: NewBudget(0), now: time.Now}}
	api.ShouldRetryOnRateLimit, api.MaxRestRetries = false, 0
	got, err := api.ApplicationCommandBulkOverwrite(cfg.AppID, guild, Commands(cfg.Types...), discordgo.WithContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("discord bulk overwrite of the commands: %w", cleanError(err))
	}
	return len(got), nil
}
