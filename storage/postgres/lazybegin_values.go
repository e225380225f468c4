package postgres

import (
	"database/sql/driver"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// valueFuncs convert each column of a row to the driver.Value stdlib's rows
// give for its type, so that a transaction's first statement scans as every
// other statement does: integers as int64, floats as float64, bytea and
// JSON as []byte, times as time.Time, booleans as bool, the rest as text.
func valueFuncs(conn *pgx.Conn, fds []pgconn.FieldDescription) []valueFunc {
	m := conn.TypeMap()
	fns := make([]valueFunc, len(fds))
	for i, fd := range fds {
		oid, format := fd.DataTypeOID, fd.Format
		switch oid {
		case pgtype.BoolOID:
			fns[i] = scanAs[bool](m, oid, format, same)
		case pgtype.ByteaOID, pgtype.JSONOID, pgtype.JSONBOID, pgtype.XMLOID:
			fns[i] = scanAs[[]byte](m, oid, format, same)
		case pgtype.Int2OID:
			fns[i] = scanAs[int16](m, oid, format, func(v int16) (driver.Value, error) { return int64(v), nil })
		case pgtype.Int4OID:
			fns[i] = scanAs[int32](m, oid, format, func(v int32) (driver.Value, error) { return int64(v), nil })
		case pgtype.Int8OID:
			fns[i] = scanAs[int64](m, oid, format, same)
		case pgtype.Float4OID:
			fns[i] = scanAs[float32](m, oid, format, func(v float32) (driver.Value, error) { return float64(v), nil })
		case pgtype.Float8OID:
			fns[i] = scanAs[float64](m, oid, format, same)
		case pgtype.CIDOID, pgtype.OIDOID, pgtype.XIDOID:
			fns[i] = scanAs[pgtype.Uint32](m, oid, format, pgtype.Uint32.Value)
		case pgtype.DateOID:
			fns[i] = scanAs[pgtype.Date](m, oid, format, pgtype.Date.Value)
		case pgtype.TimestampOID:
			fns[i] = scanAs[pgtype.Timestamp](m, oid, format, pgtype.Timestamp.Value)
		case pgtype.TimestamptzOID:
			fns[i] = scanAs[pgtype.Timestamptz](m, oid, format, pgtype.Timestamptz.Value)
		default:
			fns[i] = scanAs[string](m, oid, format, same)
		}
	}
	return fns
}

// scanAs decodes a column into a T and makes a driver.Value of it.
func scanAs[T any](m *pgtype.Map, oid uint32, format int16, value func(T) (driver.Value, error)) valueFunc {
	var d T
	plan := m.PlanScan(oid, format, &d)
	return func(src []byte) (driver.Value, error) {
		if err := plan.Scan(src, &d); err != nil {
			return nil, err
		}
		return value(d)
	}
}

func same[T any](v T) (driver.Value, error) { return v, nil }
