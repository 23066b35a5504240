package bot

import (
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// timeZones are the IANA zones offered by autocomplete: the zones of the
// world's capitals and largest cities. Any other valid IANA name typed in
// full is accepted too.
var timeZones = func() []string {
	zones := strings.Fields(`
UTC
Africa/Abidjan Africa/Accra Africa/Addis_Ababa Africa/Algiers Africa/Cairo Africa/Casablanca
Africa/Dakar Africa/Dar_es_Salaam Africa/Johannesburg Africa/Khartoum Africa/Kinshasa Africa/Lagos
Africa/Luanda Africa/Nairobi Africa/Tripoli Africa/Tunis
America/Anchorage America/Argentina/Buenos_Aires America/Bogota America/Caracas America/Chicago
America/Denver America/Edmonton America/Guatemala America/Halifax America/Havana America/Lima
America/Los_Angeles America/Mexico_City America/Montevideo America/New_York America/Panama
America/Phoenix America/Santiago America/Sao_Paulo America/St_Johns America/Toronto America/Vancouver
Asia/Almaty Asia/Amman Asia/Baghdad Asia/Baku Asia/Bangkok Asia/Beirut Asia/Colombo Asia/Damascus
Asia/Dhaka Asia/Dubai Asia/Ho_Chi_Minh Asia/Hong_Kong Asia/Jakarta Asia/Jerusalem Asia/Kabul
Asia/Karachi Asia/Kathmandu Asia/Kolkata Asia/Kuala_Lumpur Asia/Manila Asia/Qatar Asia/Riyadh
Asia/Seoul Asia/Shanghai Asia/Singapore Asia/Taipei Asia/Tashkent Asia/Tbilisi Asia/Tehran
Asia/Tokyo Asia/Ulaanbaatar Asia/Yangon Asia/Yerevan
Atlantic/Azores Atlantic/Reykjavik
Australia/Adelaide Australia/Brisbane Australia/Darwin Australia/Melbourne Australia/Perth Australia/Sydney
Europe/Amsterdam Europe/Athens Europe/Belgrade Europe/Berlin Europe/Brussels Europe/Bucharest
Europe/Budapest Europe/Chisinau Europe/Copenhagen Europe/Dublin Europe/Helsinki Europe/Istanbul
Europe/Kyiv Europe/Lisbon Europe/London Europe/Madrid Europe/Minsk Europe/Moscow Europe/Oslo
Europe/Paris Europe/Prague Europe/Riga Europe/Rome Europe/Sofia Europe/Stockholm Europe/Tallinn
Europe/Vienna Europe/Vilnius Europe/Warsaw Europe/Zurich
Pacific/Auckland Pacific/Fiji Pacific/Guam Pacific/Honolulu Pacific/Port_Moresby
`)
	sort.Strings(zones)
	return zones
}()

// zoneChoices offers up to 25 zones containing what was typed; city names
// match with spaces or underscores.
func zoneChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	q := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(typed), " ", "_"))
	var prefix, inside []string
	for _, z := range timeZones {
		lz := strings.ToLower(z)
		_, city, _ := strings.Cut(lz, "/")
		switch {
		case strings.HasPrefix(lz, q) || strings.HasPrefix(city, q):
			prefix = append(prefix, z)
		case strings.Contains(lz, q):
			inside = append(inside, z)
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, z := range append(prefix, inside...) {
		if len(choices) == 25 {
			break
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: strings.ReplaceAll(z, "_", " "), Value: z})
	}
	return choices
}
